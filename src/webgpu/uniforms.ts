/**
 * Packing of a dispatch's uniform parameters from the kernel declarations
 * (src/backend/kernel-declarations.ts): each field goes to its declared word, as u32 or f32, so
 * no call site numbers the words of a shader's Params struct.
 */
import { KERNEL_NAMES, KERNELS, paddedParams, type KernelName, type ParamValues } from '../backend/kernel-declarations.js';

interface UniformLayout {
  /** Field names, in word order. */
  readonly names: readonly string[];
  /** Whether each word holds an f32 (else a u32). */
  readonly floats: readonly boolean[];
}

const LAYOUTS = {} as Record<KernelName, UniformLayout>;
for (const k of KERNEL_NAMES) {
  const fields: readonly (readonly [string, string])[] = KERNELS[k].params;
  LAYOUTS[k] = { names: fields.map(([name]) => name), floats: fields.map(([, type]) => type === 'f32') };
}

/** Words of the largest Params struct (padding included): the size of every uniform slot. */
export const PARAM_WORDS = Math.max(...KERNEL_NAMES.map((k) => paddedParams(k).length));

/**
 * Writes `values` into the PARAM_WORDS words at `base` of `u32`/`f32` (two views of the same
 * memory); words the kernel does not declare, its padding included, are zero.
 */
export function packParams<K extends KernelName>(kernel: K, values: ParamValues<K>, u32: Uint32Array, f32: Float32Array, base: number): void {
  const { names, floats } = LAYOUTS[kernel];
  const v = values as Readonly<Record<string, number>>;
  u32.fill(0, base, base + PARAM_WORDS);
  for (let i = 0; i < names.length; i++) {
    if (floats[i]) f32[base + i] = v[names[i]!]!;
    else u32[base + i] = v[names[i]!]!;
  }
}
