/**
 * The closed-form modified-loss penalty of docs/math.md §2 (one dropout layer, MSE), written once
 * for P parameter sets side by side (P = 1 for one model):
 *   P(θ) = λ/(2n) Σ_k q_k s_k,  q_k = Σ_i z_ik²,  s_k = ‖a_k‖²,  λ = (1−p)/p,
 * z the (unmasked) hidden output, a_k column k of the output weights W_out. Its gradient adds
 * (λ/n) W_out ⊙ q (per column) to ∂/∂W_out and (λ/n) z ⊙ s to ∂/∂z; its R-operator (docs/math.md §5)
 * needs R(q) = 2 Σ_i z ⊙ R(z) and R(s) = 2 Σ_c W_out ⊙ V_out. Callers pass the coefficient (λ/n,
 * times a step's weight where the δ's carry one).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { PassShape } from './pass-shape.js';
import { strided } from './strided.js';

/** Column terms q, s (P × h0), W_out per set and a scratch of its size (P × c·h0), a z-sized scratch (P × n·h0). */
export interface PenaltyBuffers {
  q: Tensor;
  s: Tensor;
  wOut: Tensor;
  wSq: Tensor;
  tmp: Tensor;
}

/** The R-operator's: R(q), R(s) (P × h0), V_out per set (P × c·h0), a z-sized scratch (P × n·h0). */
export interface PenaltyRBuffers {
  rq: Tensor;
  rs: Tensor;
  vOut: Tensor;
  tmp: Tensor;
}

function dims(s: PassShape): { P: number; n: number; h0: number; c: number; size: number; wOffset: number } {
  const W = s.layers[1]!;
  return { P: s.sets, n: s.n, h0: W.inDim, c: W.outDim, size: W.inDim * W.outDim, wOffset: W.wOffset };
}

/** dst[p] = alpha Σ_rows src[p] (rows × h0 per set) for every set p, as one GEMM with ones. */
function colSum(k: Backend, s: PassShape, src: Tensor, dst: Tensor, rows: number, alpha: number): void {
  const h0 = s.layers[0]!.outDim;
  k.gemm(s.one, src, dst, { m: 1, n: h0, k: rows, batch: s.sets, strideA: 0, strideB: rows * h0, strideC: h0, alpha });
}

/**
 * The column terms and their R share one form (q, s from z⊙z and W⊙W; R(q), R(s) from 2 z⊙R(z)
 * and 2 W⊙V): rowTerm = alpha Σ_i z ⊙ z2, colTerm = alpha Σ_c W_out ⊙ w2, per set.
 */
function columnTerms(
  k: Backend, s: PassShape, b: PenaltyBuffers, tmp: Tensor, z: Tensor, z2: Tensor, w2: Tensor, rowTerm: Tensor, colTerm: Tensor, alpha: number,
): void {
  const { n, c } = dims(s);
  k.mul(z, z2, tmp);
  colSum(k, s, tmp, rowTerm, n, alpha);
  k.mul(b.wOut, w2, b.wSq);
  colSum(k, s, b.wSq, colTerm, c, alpha);
}

/** W_out of every set (from θ or a direction v) into dst (P × c·h0). */
function outWeights(k: Backend, s: PassShape, src: Tensor, dst: Tensor): void {
  const { P, size, wOffset } = dims(s);
  strided(k, s.one, src, dst, size, P, { srcOffset: wOffset, srcStride: s.stride, dstStride: size });
}

/** q from z (sets × n × h0) and s from θ's W_out; leaves W_out in b.wOut. */
export function penaltyColumns(k: Backend, s: PassShape, b: PenaltyBuffers, z: Tensor, theta: Tensor): void {
  outWeights(k, s, theta, b.wOut);
  columnTerms(k, s, b, b.tmp, z, z, b.wOut, b.q, b.s, 1);
}

/** After penaltyColumns: coef·W_out ⊙ q into out's W_out block of every set (overwriting it; b.wOut is spent). */
export function penaltyWeightGrad(k: Backend, s: PassShape, b: PenaltyBuffers, out: Tensor, coef: number): void {
  const { P, h0, c, size, wOffset } = dims(s);
  k.broadcast(b.wOut, b.q, b.wOut, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
  strided(k, s.one, b.wOut, out, size, P, { srcStride: size, dstOffset: wOffset, dstStride: s.stride, alpha: coef });
}

/** g += coef·z ⊙ s on the first n rows of every set's `gRows` rows of g (block 0 of each path). */
export function penaltyHiddenGrad(k: Backend, s: PassShape, b: PenaltyBuffers, z: Tensor, g: Tensor, gRows: number, coef: number): void {
  const { P, n, h0 } = dims(s);
  k.broadcast(z, b.s, b.tmp, { rows: n, cols: h0, op: 'mul', batch: P, vStride: h0 });
  strided(k, s.one, b.tmp, g, n * h0, P, { srcStride: n * h0, dstStride: gRows * h0, alpha: coef, beta: 1 });
}

/** After penaltyColumns (b.wOut still W_out): R(q), R(s) from z, R(z) and the direction v. */
export function penaltyColumnsR(k: Backend, s: PassShape, b: PenaltyBuffers, r: PenaltyRBuffers, z: Tensor, rz: Tensor, v: Tensor): void {
  outWeights(k, s, v, r.vOut);
  columnTerms(k, s, b, r.tmp, z, rz, r.vOut, r.rq, r.rs, 2);
}

/**
 * R(∂P/∂W_out) = coef (V_out ⊙ q + W_out ⊙ R(q)) into hv's W_out block. r.vOut and the scratch
 * b.wSq are spent; b.wOut, q and s are only read, so products at one θ may reuse them (hessian-operator.ts).
 */
export function penaltyWeightGradR(k: Backend, s: PassShape, b: PenaltyBuffers, r: PenaltyRBuffers, hv: Tensor, coef: number): void {
  const { P, h0, c, size, wOffset } = dims(s);
  k.broadcast(r.vOut, b.q, r.vOut, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
  k.broadcast(b.wOut, r.rq, b.wSq, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
  k.axpy(1, b.wSq, r.vOut);
  strided(k, s.one, r.vOut, hv, size, P, { srcStride: size, dstOffset: wOffset, dstStride: s.stride, alpha: coef });
}

/**
 * e = coef z ⊙ s into g and R(e) = coef (R(z) ⊙ s + z ⊙ R(s)) into R(g) (one block per set);
 * g null: R(g) alone (g, which does not depend on the direction, already holds e).
 */
export function penaltyHiddenGradR(
  k: Backend, s: PassShape, b: PenaltyBuffers, r: PenaltyRBuffers, z: Tensor, rz: Tensor, g: Tensor | null, rg: Tensor, coef: number,
): void {
  const { P, n, h0 } = dims(s);
  const scaleCols = (src: Tensor, col: Tensor) => k.broadcast(src, col, r.tmp, { rows: n, cols: h0, op: 'mul', batch: P, vStride: h0 });
  if (g) {
    scaleCols(z, b.s);
    k.axpy(coef, r.tmp, g);
  }
  scaleCols(rz, b.s);
  k.axpy(coef, r.tmp, rg);
  scaleCols(z, r.rs);
  k.axpy(coef, r.tmp, rg);
}
