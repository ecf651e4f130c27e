/**
 * Exact Hessian-vector products by forward-over-reverse (Pearlmutter's R-operator, docs/math.md §5): one
 * R-forward pass propagating R(z) = d/dt z(θ + t v) and one backward pass propagating the R of
 * every back-propagated quantity, in the same kernels as the gradient. For a layer
 * z = a·Wᵀ + b, a' = σ(z) ⊙ η:
 *   R(z) = R(a)·Wᵀ + a·Vᵀ + c,                    R(a') = σ'(z) ⊙ R(z) ⊙ η
 *   R(∂W) = R(δ)ᵀ·a + δᵀ·R(a),                   R(∂b) = 1ᵀ·R(δ)
 *   g = δ·W,  R(g) = R(δ)·W + δ·V,                R(δ_prev) = η ⊙ (R(g) ⊙ σ'(z) + g ⊙ σ''(z) ⊙ R(z))
 * Requires the forward pass (same masks) and the loss head to have run on `ws`.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import { dropoutVariance } from './modified-loss.js';
import { applyMask, type NetworkSpec } from './network.js';
import type { RWorkspace } from './r-workspace.js';
import type { Workspace } from './workspace.js';

function rForward(k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, ws: Workspace, rws: RWorkspace, masked: boolean): void {
  const { layers } = net.layout;
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l]!, rz = rws.rPre[l]!;
    const a = l === 0 ? x : ws.hidden[l - 1]!;
    k.gemm(a, rws.v, rz, { m: ws.rows, n: L.outDim, k: L.inDim, transB: true, offsetB: L.wOffset });
    if (l > 0) k.gemm(rws.rHidden[l - 1]!, params, rz, { m: ws.rows, n: L.outDim, k: L.inDim, transB: true, offsetB: L.wOffset, beta: 1 });
    if (L.bOffset >= 0) k.broadcast(rz, rws.v, rz, { rows: ws.rows, cols: L.outDim, op: 'add', vOffset: L.bOffset });
    if (l === layers.length - 1) break;
    k.activation(ws.pre[l]!, ws.deriv[l]!, net.activation, 1);
    k.mul(ws.deriv[l]!, rz, rws.rHidden[l]!);
    if (masked) applyMask(k, net, ws, l, rws.rHidden[l]!);
  }
}

/** R(∂loss/∂output) from the loss head's δ = ∂loss/∂output (already divided by rows). */
function rLossHead(k: Backend, net: NetworkSpec, y: Tensor, ws: Workspace, rws: RWorkspace): void {
  const last = net.layout.layers.length - 1;
  const c = net.layout.layers[last]!.outDim;
  const rf = rws.rPre[last]!, rd = rws.rDPre[last]!;
  if (net.loss === 'mse') {
    k.copy(rf, rd);
    k.scale(1 / ws.rows, rd);
    return;
  }
  // δ = (p − y)/n with p = softmax(f): R(δ) = (p ⊙ Rf − p ⊙ (p·Rf)1ᵀ)/n, row by row.
  const p = rws.prob, prf = rws.rProb;
  k.copy(ws.dPre[last]!, p);
  k.scale(ws.rows, p);
  k.axpy(1, y, p);
  k.mul(p, rf, prf);
  k.gemm(prf, ws.ones, rws.rowSum, { m: ws.rows, n: 1, k: c });
  k.gemm(rws.rowSum, ws.ones, rd, { m: ws.rows, n: c, k: 1 });
  k.mul(p, rd, rd);
  k.scale(-1, rd);
  k.axpy(1, prf, rd);
  k.scale(1 / ws.rows, rd);
}

/**
 * The modified-loss penalty's share (one dropout layer, MSE; q, s from penaltyTerms):
 * writes R(∂P/∂W_out) = (λ/n)(V_out ⊙ q + W_out ⊙ R(q)) into hv and returns the hook adding
 * e = (λ/n) z ⊙ s and R(e) = (λ/n)(R(z) ⊙ s + z ⊙ R(s)) to the hidden gradient and its R.
 */
function penaltyR(k: Backend, net: NetworkSpec, params: Tensor, ws: Workspace, rws: RWorkspace): (g: Tensor, rg: Tensor) => void {
  const coef = dropoutVariance(net.keep) / ws.rows;
  const hiddenW = net.layout.layers[0]!.outDim, out = net.layout.layers[1]!;
  const size = out.outDim * out.inDim, tmp = rws.second[0]!;
  // R(q) = 2 Σ_i z ⊙ R(z);  R(s) = 2 Σ_c W_out ⊙ V_out.
  k.mul(ws.hidden[0]!, rws.rHidden[0]!, tmp);
  k.gemm(ws.ones, tmp, rws.rColA[0]!, { m: 1, n: hiddenW, k: ws.rows, alpha: 2 });
  k.copy(params, ws.lastW, out.wOffset, 0, size);
  k.copy(rws.v, rws.lastW2, out.wOffset, 0, size);
  k.mul(ws.lastW, rws.lastW2, ws.lastW);
  k.gemm(ws.ones, ws.lastW, rws.rColB[0]!, { m: 1, n: hiddenW, k: out.outDim, alpha: 2 });
  // R(∂P/∂W_out) into hv's W_out block.
  k.copy(rws.v, ws.lastW, out.wOffset, 0, size);
  k.broadcast(ws.lastW, ws.colA[0]!, ws.lastW, { rows: out.outDim, cols: hiddenW, op: 'mul' });
  k.copy(params, rws.lastW2, out.wOffset, 0, size);
  k.broadcast(rws.lastW2, rws.rColA[0]!, rws.lastW2, { rows: out.outDim, cols: hiddenW, op: 'mul' });
  k.axpy(1, rws.lastW2, ws.lastW);
  k.scale(coef, ws.lastW);
  k.copy(ws.lastW, rws.hv, 0, out.wOffset, size);
  return (g, rg) => {
    const rows = ws.rows;
    k.broadcast(ws.hidden[0]!, ws.colB[0]!, tmp, { rows, cols: hiddenW, op: 'mul' });
    k.axpy(coef, tmp, g);
    k.broadcast(rws.rHidden[0]!, ws.colB[0]!, tmp, { rows, cols: hiddenW, op: 'mul' });
    k.axpy(coef, tmp, rg);
    k.broadcast(ws.hidden[0]!, rws.rColB[0]!, tmp, { rows, cols: hiddenW, op: 'mul' });
    k.axpy(coef, tmp, rg);
  };
}

/**
 * rws.hv = H·rws.v for the loss whose forward pass and loss head just ran on ws (masked: with the
 * drawn masks; penalty: add the modified-loss penalty, which needs penaltyTerms to have run).
 */
/**
 * Through σ at a hidden layer, backward and R-propagated: R(g) ← σ′(z)·R(g) + σ″(z)·R(z)·g, then
 * g ← σ′(z)·g. `deriv` and `second` are scratch of the layer's size (σ′ and σ″ land there);
 * `derivReady`: deriv already holds σ′(z) (the R-forward pass left it there), so it is not
 * evaluated again (tanh′ and sigmoid′ cost an exp an element).
 */
export function activationBackwardR(
  k: Backend, act: Activation, pre: Tensor, rPre: Tensor, deriv: Tensor, second: Tensor, g: Tensor, rg: Tensor,
  derivReady = false,
): void {
  if (!derivReady) k.activation(pre, deriv, act, 1);
  k.activation(pre, second, act, 2);
  k.mul(second, rPre, second);
  k.mul(second, g, second);
  k.mul(rg, deriv, rg);
  k.axpy(1, second, rg);
  k.mul(g, deriv, g);
}

export function hvpPass(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, y: Tensor, ws: Workspace, rws: RWorkspace,
  masked: boolean, penalty: boolean,
): void {
  const { layers } = net.layout;
  rForward(k, net, params, x, ws, rws, masked);
  rLossHead(k, net, y, ws, rws);
  const hook = penalty ? penaltyR(k, net, params, ws, rws) : null;
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!, d = ws.dPre[l]!, rd = rws.rDPre[l]!;
    const a = l === 0 ? x : ws.hidden[l - 1]!;
    const beta = hook && l === layers.length - 1 ? 1 : 0;
    k.gemm(rd, a, rws.hv, { m: L.outDim, n: L.inDim, k: ws.rows, transA: true, offsetC: L.wOffset, beta });
    if (l > 0) k.gemm(d, rws.rHidden[l - 1]!, rws.hv, { m: L.outDim, n: L.inDim, k: ws.rows, transA: true, offsetC: L.wOffset, beta: 1 });
    if (L.bOffset >= 0) k.gemm(ws.ones, rd, rws.hv, { m: 1, n: L.outDim, k: ws.rows, offsetC: L.bOffset });
    if (l === 0) break;
    const g = ws.dPre[l - 1]!, rg = rws.rDPre[l - 1]!, h = l - 1;
    k.gemm(d, params, g, { m: ws.rows, n: L.inDim, k: L.outDim, offsetB: L.wOffset });
    k.gemm(rd, params, rg, { m: ws.rows, n: L.inDim, k: L.outDim, offsetB: L.wOffset });
    k.gemm(d, rws.v, rg, { m: ws.rows, n: L.inDim, k: L.outDim, offsetB: L.wOffset, beta: 1 });
    if (hook && h === 0) hook(g, rg);
    // rForward left σ′(z) in ws.deriv[h], and nothing since has written it.
    activationBackwardR(k, net.activation, ws.pre[h]!, rws.rPre[h]!, ws.deriv[h]!, rws.second[h]!, g, rg, true);
    if (masked) {
      applyMask(k, net, ws, h, g);
      applyMask(k, net, ws, h, rg);
    }
  }
}
