/**
 * The float64 linear-algebra WebAssembly module (assembly/linalg.ts → build/wasm/linalg.wasm, embedded
 * as bytes by esbuild's binary loader). It is separate from the backend's kernel builds and used
 * whichever backend is active. Compiled once (a one-time promise); one instance at a time, whose
 * own exported memory grows as a call needs. Every call takes its scratch from the bottom of the heap
 * and gives it all back when done; an instance whose memory has grown past RETAIN_BYTES is dropped
 * after the call (WebAssembly memory cannot shrink), so a large problem does not pin its memory.
 */
import linalgBytes from '../../build/wasm/linalg.wasm';

/** Exports of assembly/linalg.ts. Pointers are byte offsets in the module's memory. */
export interface LinalgExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  tred2(w: number, d: number, e: number, n: number, vectors: number): void;
  tql2(d: number, e: number, w: number, n: number, vectors: number, rot: number, cap: number): number;
  gramAccumulate(x: number, rows: number, cols: number, g: number): void;
}

const PAGE = 65536;
/** WebAssembly (wasm32) memory limit: 65536 pages. */
const MAX_BYTES = 65536 * PAGE;
/** Memory kept between calls; an instance that grew larger is discarded after its call. */
export const RETAIN_BYTES = 64 * 1024 * 1024;

let compiled: Promise<WebAssembly.Module> | null = null;
let current: Promise<LinalgExports> | null = null;

/** The module instance (compiled on first use). */
export function linalgModule(): Promise<LinalgExports> {
  if (!current) {
    compiled ??= WebAssembly.compile(linalgBytes as BufferSource);
    current = compiled.then(async (m) => (await WebAssembly.instantiate(m, {})).exports as unknown as LinalgExports);
    current.catch(() => { current = null; });
  }
  return current;
}

/**
 * Byte pointers (16-byte aligned) for scratch regions of the given sizes, growing the memory once.
 * Views on k.memory.buffer must be taken after this call (growth detaches the old buffer).
 */
export function scratch<S extends readonly number[]>(k: LinalgExports, sizes: readonly [...S]): { [I in keyof S]: number } {
  const ptrs: number[] = [];
  let top = align16(k.heapBase());
  for (const s of sizes) {
    ptrs.push(top);
    top = align16(top + s);
  }
  if (top > MAX_BYTES) {
    throw new RangeError(`linalg: needs ${mib(top)} of WebAssembly memory, more than the 4 GiB a wasm32 module can address`);
  }
  const have = k.memory.buffer.byteLength;
  if (top > have) {
    try {
      k.memory.grow(Math.ceil((top - have) / PAGE));
    } catch (err) {
      throw new RangeError(`linalg: could not grow WebAssembly memory to ${mib(top)} (${(err as Error).message})`);
    }
  }
  return ptrs as { [I in keyof S]: number }; // one pointer per size, in order
}

/** End of a call: scratch is free again; drop an instance whose memory grew past RETAIN_BYTES. */
export function release(k: LinalgExports): void {
  if (k.memory.buffer.byteLength > RETAIN_BYTES) current = null;
}

const align16 = (p: number) => Math.ceil(p / 16) * 16; // no bit operations: p may exceed 2³¹
const mib = (b: number) => `${(b / 1048576).toFixed(1)} MiB`;
