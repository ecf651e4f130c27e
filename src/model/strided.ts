/**
 * Copies, repeats and strided adds as GEMMs with a ones vector (1·x is exact): one launch moves a
 * block for every path or mask, where a copy kernel would need one launch per block.
 */
import type { Backend, Tensor } from '../backend/backend.js';

/** dst[b] = src (len elements) for b < times, in one GEMM (1 · src, exact). */
export function repeatRows(k: Backend, one: Tensor, src: Tensor, dst: Tensor, len: number, times: number): void {
  k.gemm(one, src, dst, { m: 1, n: len, k: 1, batch: times, strideA: 0, strideB: 0, strideC: len });
}

/**
 * For each of `sets` sources of `len` elements, `times` copies side by side into dst (set s's
 * copies at s·times·len). One set: `times` copy kernels (a copy moves memory faster than a k = 1
 * GEMM); several: one GEMM of ones (m = times) with src for all of them (one launch, not sets·times).
 */
export function repeatBlocks(k: Backend, one: Tensor, src: Tensor, dst: Tensor, len: number, times: number, sets: number): void {
  if (times === 1) k.copy(src, dst);
  else if (sets === 1) for (let j = 0; j < times; j++) k.copy(src, dst, 0, j * len, len);
  else k.gemm(one, src, dst, { m: times, n: len, k: 1, batch: sets, strideA: 0, strideB: len, strideC: times * len });
}

/**
 * dst[b·dstStride + dstOffset …] = alpha·src[b·srcStride + srcOffset …] (+ beta·dst) for b < batch:
 * a strided copy or add in one GEMM with a one-element ones vector (exact when alpha = 1, beta = 0).
 */
export function strided(
  k: Backend, one: Tensor, src: Tensor, dst: Tensor, len: number, batch: number,
  s: { srcOffset?: number; srcStride: number; dstOffset?: number; dstStride: number; alpha?: number; beta?: number },
): void {
  k.gemm(one, src, dst, {
    m: 1, n: len, k: 1, batch, strideA: 0, strideB: s.srcStride, offsetB: s.srcOffset ?? 0,
    strideC: s.dstStride, offsetC: s.dstOffset ?? 0, alpha: s.alpha ?? 1, beta: s.beta ?? 0,
  });
}
