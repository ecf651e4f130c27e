/**
 * The dense Hessian of a small model, column by column: H e_j by D exact HVPs, symmetrised as
 * (H + Hᵀ)/2 (the f32 products are symmetric only up to rounding). For D up to a few thousand.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { ArgumentError } from '../errors.js';

/** Largest D accepted: D² float64 entries (≈ 200 MB at 5000). */
export const MAX_DENSE = 5000;

export async function denseHessian(
  k: Backend, d: number, apply: (v: Tensor) => Tensor, onProgress?: (done: number, total: number) => void,
): Promise<Float64Array> {
  if (d > MAX_DENSE) throw new ArgumentError('model', `at most ${MAX_DENSE} parameters for a dense Hessian (use hessianEigen)`, d);
  const h = new Float64Array(d * d);
  const e = k.create(d);
  const unit = new Float32Array(1);
  try {
    for (let j = 0; j < d; j++) {
      k.fill(e, 0);
      unit[0] = 1;
      k.write(e, unit, j);
      const col = (await k.read(apply(e))) as Float32Array;
      for (let i = 0; i < d; i++) h[i * d + j] = col[i]!;
      onProgress?.(j + 1, d);
    }
  } finally {
    k.dispose(e);
  }
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const s = 0.5 * (h[i * d + j]! + h[j * d + i]!);
      h[i * d + j] = s;
      h[j * d + i] = s;
    }
  }
  return h;
}
