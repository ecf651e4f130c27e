/**
 * The WebAssembly builds (asconfig.json targets, embedded as bytes by esbuild's binary loader) and
 * the choice among them: relaxed SIMD, else SIMD, else scalar, each by `WebAssembly.validate` at
 * runtime; a `-shared` build (threads + shared imported memory) where more than one thread runs.
 */
import scalarBytes from '../../build/wasm/scalar.wasm';
import simdBytes from '../../build/wasm/simd.wasm';
import simdSharedBytes from '../../build/wasm/simd-shared.wasm';
import relaxedBytes from '../../build/wasm/relaxed.wasm';
import relaxedSharedBytes from '../../build/wasm/relaxed-shared.wasm';
import { BackendUnavailableError } from '../errors.js';
import type { WasmKernelName } from '../backend/kernel-declarations.js';

export type SimdFlavour = 'relaxed' | 'simd' | 'scalar';
export type SimdRequest = 'auto' | SimdFlavour;

export interface Variant {
  /** Build name (asconfig.json target). */
  name: 'scalar' | 'simd' | 'simd-shared' | 'relaxed' | 'relaxed-shared';
  simd: SimdFlavour;
  shared: boolean;
  bytes: Uint8Array;
}

const VARIANTS: Variant[] = [
  { name: 'relaxed-shared', simd: 'relaxed', shared: true, bytes: relaxedSharedBytes },
  { name: 'relaxed', simd: 'relaxed', shared: false, bytes: relaxedBytes },
  { name: 'simd-shared', simd: 'simd', shared: true, bytes: simdSharedBytes },
  { name: 'simd', simd: 'simd', shared: false, bytes: simdBytes },
  { name: 'scalar', simd: 'scalar', shared: false, bytes: scalarBytes },
];

const validated = new Map<string, boolean>();
function valid(v: Variant): boolean {
  let ok = validated.get(v.name);
  if (ok === undefined) {
    try {
      ok = WebAssembly.validate(v.bytes as BufferSource);
    } catch {
      ok = false;
    }
    validated.set(v.name, ok);
  }
  return ok;
}

/** Which SIMD flavours this runtime validates. */
export function supportedSimd(): { relaxed: boolean; simd: boolean } {
  return { relaxed: valid(VARIANTS[1]!), simd: valid(VARIANTS[3]!) };
}

/**
 * The best build for the request. `shared` asks for a threads build; where none validates
 * (scalar has none), the caller runs one thread. Throws BackendUnavailableError when an explicit
 * flavour does not validate here.
 */
export function pickVariant(request: SimdRequest, shared: boolean): Variant {
  const order: SimdFlavour[] = request === 'auto' ? ['relaxed', 'simd', 'scalar'] : [request];
  for (const flavour of order) {
    const candidates = VARIANTS.filter((v) => v.simd === flavour && (shared ? true : !v.shared));
    // Prefer the shared build when threads are wanted, else the plain one.
    candidates.sort((a, b) => Number(b.shared === shared) - Number(a.shared === shared));
    for (const v of candidates) if (valid(v)) return v;
  }
  const why = request === 'relaxed'
    ? 'this runtime does not validate relaxed SIMD (Node 20 needs --experimental-wasm-relaxed-simd)'
    : `this runtime does not validate the ${request} WebAssembly build`;
  throw new BackendUnavailableError(`wasm: ${why}`);
}

/**
 * The exports of every build (assembly/index.ts). Pointers are byte offsets in linear memory; the
 * kernels' arguments are declared in src/backend/kernel-declarations.ts (call them through
 * wasm-args.ts).
 */
export type Kernels = {
  heapBase(): number;
  gemmScratchBytes(): number;
  gemmTileRows(): number;
  gemmTileCols(): number;
  gemmPackPanelBytes(role: number, k: number): number;
  gemmPack(role: number, src: number, ld: number, trans: number, rows: number, k: number, dst: number): void;
} & Readonly<Record<WasmKernelName, (...args: number[]) => void>>;

/** Maximum pages a shared memory may declare (the builds' --maximumMemory). */
export const MAX_PAGES = 65536;

/** Creates the imported memory: shared (trying smaller maxima if the reservation fails) or not. */
export function createMemory(initialPages: number, shared: boolean): WebAssembly.Memory {
  if (!shared) return new WebAssembly.Memory({ initial: initialPages });
  let lastError: unknown;
  for (const maximum of [MAX_PAGES, 32768, 16384, 8192]) {
    try {
      return new WebAssembly.Memory({ initial: initialPages, maximum, shared: true });
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

export async function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): Promise<Kernels> {
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  return instance.exports as unknown as Kernels;
}
