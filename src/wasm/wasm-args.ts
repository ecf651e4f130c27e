/**
 * Calls of the WebAssembly exports by argument name: the order comes from the kernel declarations
 * (src/backend/kernel-declarations.ts), which test/kernel-declarations.test.ts checks against
 * assembly/'s signatures, so no call site lists an export's arguments by position.
 */
import { KERNEL_NAMES, KERNELS, type WasmArgName, type WasmArgValues, type WasmKernelName } from '../backend/kernel-declarations.js';

type Export = (...args: number[]) => void;
type Values = Readonly<Record<string, number>>;
type Eighteen<N> = readonly [N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N, N];

const ARG_NAMES = {} as Record<WasmKernelName, readonly string[]>;
for (const k of KERNEL_NAMES) {
  const wasm: readonly (readonly [string, string])[] | null = KERNELS[k].wasm;
  if (wasm) ARG_NAMES[k as WasmKernelName] = wasm.map(([name]) => name);
}

/**
 * A caller of an export with these argument names. Each arity in use has its own function that
 * reads every argument at its own property-access site: as fast as a positional call (an array
 * built per call and spread costs about 0.5 µs, more than a small kernel itself).
 */
function caller<N extends string>(names: readonly N[]): (fn: Export, v: Readonly<Record<N, number>>) => void {
  // Names past names.length are undefined and never read: each case reads only its own arity's.
  const [a, b, c, d, e, f, g, h, i, j, k, l, m, n, o, p, q, r] = names as unknown as Eighteen<N>;
  switch (names.length) {
    case 3: return (fn, v) => fn(v[a], v[b], v[c]);
    case 4: return (fn, v) => fn(v[a], v[b], v[c], v[d]);
    case 5: return (fn, v) => fn(v[a], v[b], v[c], v[d], v[e]);
    case 6: return (fn, v) => fn(v[a], v[b], v[c], v[d], v[e], v[f]);
    case 8: return (fn, v) => fn(v[a], v[b], v[c], v[d], v[e], v[f], v[g], v[h]);
    case 10: return (fn, v) => fn(v[a], v[b], v[c], v[d], v[e], v[f], v[g], v[h], v[i], v[j]);
    case 18: return (fn, v) => fn(v[a], v[b], v[c], v[d], v[e], v[f], v[g], v[h], v[i], v[j], v[k], v[l], v[m], v[n], v[o], v[p], v[q], v[r]);
    default: return (fn, v) => fn(...names.map((name) => v[name])); // another arity: correct, slower
  }
}

const CALLERS = {} as Record<WasmKernelName, (fn: Export, v: Values) => void>;
for (const k of Object.keys(ARG_NAMES) as WasmKernelName[]) CALLERS[k] = caller(ARG_NAMES[k]);

/** Calls `fn`, the export of `kernel`, with `values` in the declared argument order. */
export function callExport<K extends WasmKernelName>(kernel: K, fn: Export, values: WasmArgValues<K>): void {
  CALLERS[kernel](fn, values as Values);
}

/** The export's arguments in declared order (for the thread pool, which posts them as an array). */
export function wasmArgs<K extends WasmKernelName>(kernel: K, values: WasmArgValues<K>): number[] {
  const v = values as Values;
  return ARG_NAMES[kernel].map((name) => v[name]!); // WasmArgValues<K> holds every declared name
}

/** Positions of the named arguments in the export's argument list (e.g. the ones a chunk overrides). */
export function argSlots<K extends WasmKernelName>(kernel: K, names: readonly WasmArgName<K>[]): number[] {
  return names.map((name) => {
    const i = ARG_NAMES[kernel].indexOf(name);
    if (i < 0) throw new Error(`kernel ${kernel} declares no argument ${name}`);
    return i;
  });
}
