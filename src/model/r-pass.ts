/**
 * Exact Hessian-vector products by forward-over-reverse (Pearlmutter's R-operator, docs/math.md §5),
 * written once for every pass-shape.ts layout with one block per entry (one network, or P paths):
 * one R-forward pass propagating R(z) = d/dt z(θ + t v) and one backward pass propagating the R of
 * every back-propagated quantity, in the same kernels as the gradient. For a layer
 * z = a·Wᵀ + b, a' = σ(z) ⊙ η:
 *   R(z) = R(a)·Wᵀ + a·Vᵀ + c,                    R(a') = σ'(z) ⊙ R(z) ⊙ η
 *   R(∂W) = R(δ)ᵀ·a + δᵀ·R(a),                   R(∂b) = 1ᵀ·R(δ)
 *   g = δ·W,  R(g) = R(δ)·W + δ·V,                R(δ_prev) = η ⊙ (R(g) ⊙ σ'(z) + g ⊙ σ''(z) ⊙ R(z))
 * Requires the forward pass (same masks) and the loss head to have run on the layer buffers.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import type { LossKind } from './layer-pass.js';
import { addBias, applyEta, setStride, type LayerBuffers, type PassShape } from './pass-shape.js';

export interface RBuffers {
  /** R(pre-activation) and R(∂loss/∂pre) per layer; R(hidden output) and a σ″ scratch per hidden layer. */
  rPre: Tensor[];
  rDPre: Tensor[];
  rHid: Tensor[];
  second: Tensor[];
  /** Cross-entropy only: softmax probabilities, their R, and row sums. */
  prob: Tensor | null;
  rProb: Tensor | null;
  rowSum: Tensor | null;
}

/** z = a·W_lᵀ (+ β z) for every entry, W at the entry's parameter set inside w; a = x (shared) for layer 0. */
function linear(k: Backend, s: PassShape, a: Tensor, w: Tensor, z: Tensor, l: number, beta = 0): void {
  const L = s.layers[l]!;
  k.gemm(a, w, z, {
    m: s.rows, n: L.outDim, k: L.inDim, batch: s.entries, transB: true, beta,
    strideA: l === 0 ? 0 : s.rows * L.inDim, strideB: setStride(s), strideC: s.rows * L.outDim, offsetB: L.wOffset,
  });
}

/**
 * R-forward; leaves σ′(z) of every hidden layer in b.deriv (the R-backward reads it there), or, with
 * `derivReady`, finds it there already (products at one θ: hessian-operator.ts). `rPre0Ready`:
 * r.rPre[0] already holds x·V₀ᵀ (one product with the forward pass's: hvp.ts hvpLayer0).
 */
export function rForward(
  k: Backend, s: PassShape, b: LayerBuffers, r: RBuffers, theta: Tensor, v: Tensor, x: Tensor, masked: boolean, derivReady = false, rPre0Ready = false,
): void {
  const last = s.layers.length - 1;
  for (let l = 0; l <= last; l++) {
    const rz = r.rPre[l]!;
    if (l > 0 || !rPre0Ready) linear(k, s, l === 0 ? x : b.hid[l - 1]!, v, rz, l);
    if (l > 0) linear(k, s, r.rHid[l - 1]!, theta, rz, l, 1);
    addBias(k, s, rz, v, s.layers[l]!, s.entries, s.rows);
    if (l === last) break;
    if (!derivReady) k.activation(b.pre[l]!, b.deriv[l]!, s.activation, 1);
    k.mul(b.deriv[l]!, rz, r.rHid[l]!);
    if (masked) applyEta(k, s, b.eta[l]!, l, r.rHid[l]!);
  }
}

/** R(∂loss/∂output) from the loss head's δ = ∂loss/∂output (already divided by n). */
export function rLossHead(k: Backend, s: PassShape, loss: LossKind, b: LayerBuffers, r: RBuffers, y: Tensor): void {
  const last = s.layers.length - 1, c = s.layers[last]!.outDim, rows = s.entries * s.rows, n = s.n;
  const rf = r.rPre[last]!, rd = r.rDPre[last]!;
  if (loss === 'mse') {
    k.copy(rf, rd);
    k.scale(1 / n, rd);
    return;
  }
  // δ = (p − y)/n with p = softmax(f): R(δ) = (p ⊙ Rf − p ⊙ (p·Rf)1ᵀ)/n, row by row.
  const p = r.prob!, prf = r.rProb!;
  k.copy(b.dPre[last]!, p);
  k.scale(n, p);
  k.axpy(1, y, p);
  k.mul(p, rf, prf);
  k.gemm(prf, s.one, r.rowSum!, { m: rows, n: 1, k: c });
  k.gemm(r.rowSum!, s.one, rd, { m: rows, n: c, k: 1 });
  k.mul(p, rd, rd);
  k.scale(-1, rd);
  k.axpy(1, prf, rd);
  k.scale(1 / n, rd);
}

/**
 * Through σ at a hidden layer, backward and R-propagated: R(g) ← σ′(z)·R(g) + σ″(z)·R(z)·g, then
 * g ← σ′(z)·g. `deriv` and `second` are scratch of the layer's size (σ′ and σ″ land there);
 * `derivReady`: deriv already holds σ′(z) (the R-forward pass left it there), so it is not
 * evaluated again (tanh′ and sigmoid′ cost an exp an element); `secondDeriv`: σ″(z) computed
 * beforehand (products at one θ), read instead of evaluated into `second`; `updateG` false: g is
 * read, not multiplied by σ′ (a saved copy, whose σ′·g is already in place: products at one θ).
 */
export function activationBackwardR(
  k: Backend, act: Activation, pre: Tensor, rPre: Tensor, deriv: Tensor, second: Tensor, g: Tensor, rg: Tensor,
  derivReady = false, secondDeriv: Tensor | null = null, updateG = true,
): void {
  if (!derivReady) k.activation(pre, deriv, act, 1);
  if (secondDeriv) k.mul(secondDeriv, rPre, second);
  else {
    k.activation(pre, second, act, 2);
    k.mul(second, rPre, second);
  }
  k.mul(second, g, second);
  k.mul(rg, deriv, rg);
  k.axpy(1, second, rg);
  if (updateG) k.mul(g, deriv, g);
}

export interface RBackwardOptions {
  masked: boolean;
  /**
   * The penalty's share: called with ∂/∂ and R(∂/∂) of hidden layer 0's output before σ′ (∂/∂ null
   * where it is reused, below: R(∂/∂) alone); when set, the last layer's weight block of hv already
   * holds a term and is added to.
   */
  hook?: ((g: Tensor | null, rg: Tensor) => void) | null;
  /** σ″(z) of every hidden layer, computed beforehand (products at one θ), instead of per pass. */
  secondDeriv?: Tensor[] | null;
  /**
   * Products at one θ (hessian-operator.ts): the back-propagated δ's do not depend on v. 'save':
   * computed as usual, and each hidden layer's ∂/∂output before σ′ (after the hook) copied into
   * gPre; 'reuse': a 'save' pass at this θ left δ in dPre and those copies in gPre, so neither is
   * computed again (the same bits: the same kernels ran on the same inputs then).
   */
  delta?: { mode: 'save' | 'reuse'; gPre: Tensor[] } | null;
}

/** After rForward and rLossHead: hv (entry e at e·stride) = H·v, propagating δ and R(δ). */
export function rBackward(k: Backend, s: PassShape, b: LayerBuffers, r: RBuffers, theta: Tensor, v: Tensor, x: Tensor, hv: Tensor, o: RBackwardOptions): void {
  const layers = s.layers, last = layers.length - 1, R = s.rows, E = s.entries;
  for (let l = last; l >= 0; l--) {
    const L = layers[l]!, d = b.dPre[l]!, rd = r.rDPre[l]!;
    const a = l === 0 ? x : b.hid[l - 1]!, aStride = l === 0 ? 0 : R * L.inDim;
    const weightGrad = (dd: Tensor, aa: Tensor, stride: number, beta: number) =>
      k.gemm(dd, aa, hv, { m: L.outDim, n: L.inDim, k: R, batch: E, transA: true, strideA: R * L.outDim, strideB: stride, strideC: s.stride, offsetC: L.wOffset, beta });
    weightGrad(rd, a, aStride, o.hook && l === last ? 1 : 0);
    if (l > 0) weightGrad(d, r.rHid[l - 1]!, R * L.inDim, 1);
    if (L.bOffset >= 0) k.gemm(s.one, rd, hv, { m: 1, n: L.outDim, k: R, batch: E, strideA: 0, strideB: R * L.outDim, strideC: s.stride, offsetC: L.bOffset });
    if (l === 0) break;
    const h = l - 1, g = b.dPre[h]!, rg = r.rDPre[h]!;
    const back = (dd: Tensor, w: Tensor, out: Tensor, beta: number) =>
      k.gemm(dd, w, out, { m: R, n: L.inDim, k: L.outDim, batch: E, strideA: R * L.outDim, strideB: setStride(s), offsetB: L.wOffset, strideC: R * L.inDim, beta });
    const reuse = o.delta?.mode === 'reuse';
    if (!reuse) back(d, theta, g, 0);
    back(rd, theta, rg, 0);
    back(d, v, rg, 1);
    if (o.hook && h === 0) o.hook(reuse ? null : g, rg);
    if (o.delta?.mode === 'save') k.copy(g, o.delta.gPre[h]!);
    // rForward left σ′(z) in b.deriv[h], and nothing since has written it.
    const gIn = reuse ? o.delta!.gPre[h]! : g;
    activationBackwardR(k, s.activation, b.pre[h]!, r.rPre[h]!, b.deriv[h]!, r.second[h]!, gIn, rg, true, o.secondDeriv?.[h] ?? null, !reuse);
    if (o.masked) {
      if (!reuse) applyEta(k, s, b.eta[h]!, h, g);
      applyEta(k, s, b.eta[h]!, h, rg);
    }
  }
}
