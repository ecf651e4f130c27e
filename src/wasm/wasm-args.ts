/**
 * Calls of the WebAssembly exports by argument name: the order comes from the kernel declarations
 * (src/backend/kernel-declarations.ts), which test/kernel-declarations.test.ts checks against
 * assembly/'s signatures, so no call site lists an export's arguments by position.
 */
import { KERNEL_NAMES, KERNELS, type WasmArgName, type WasmArgValues, type WasmKernelName } from '../backend/kernel-declarations.js';

const ARG_NAMES = {} as Record<WasmKernelName, readonly string[]>;
for (const k of KERNEL_NAMES) {
  const wasm: readonly (readonly [string, string])[] | null = KERNELS[k].wasm;
  if (wasm) ARG_NAMES[k as WasmKernelName] = wasm.map(([name]) => name);
}

/** The export's arguments in declared order. */
export function wasmArgs<K extends WasmKernelName>(kernel: K, values: WasmArgValues<K>): number[] {
  const v = values as Readonly<Record<string, number>>;
  return ARG_NAMES[kernel].map((name) => v[name]!);
}

/** Positions of the named arguments in the export's argument list (e.g. the ones a chunk overrides). */
export function argSlots<K extends WasmKernelName>(kernel: K, names: readonly WasmArgName<K>[]): number[] {
  return names.map((name) => {
    const i = ARG_NAMES[kernel].indexOf(name);
    if (i < 0) throw new Error(`kernel ${kernel} declares no argument ${name}`);
    return i;
  });
}
