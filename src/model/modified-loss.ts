/**
 * The exact modified loss of docs/math.md §2 for one dropout layer with MSE:
 *   L_S = R_S + λ/(2n) Σ_i Σ_k ‖a_k‖² σ(w_k·x_i)²,  λ = (1−p)/p,
 * where a_k is column k of the output weights. With q_k = Σ_i z_ik² and s_k = ‖a_k‖², the penalty
 * is λ/(2n)·q·s, and its gradient adds (λ/n)·W_out ⊙ q (per column) to ∂/∂W_out and
 * (λ/n)·z ⊙ s to ∂/∂z of the hidden layer (before σ').
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { NetworkSpec } from './network.js';
import type { Workspace } from './workspace.js';

/** True where the closed form applies: exactly one hidden (dropout) layer and MSE. */
export function hasClosedForm(net: NetworkSpec): boolean {
  return net.layout.layers.length === 2 && net.loss === 'mse';
}

export function dropoutVariance(keep: number): number {
  return (1 - keep) / keep;
}

/**
 * After an unmasked forward pass: q → ws.colA[0], s → ws.colB[0], and q·s → out[slot].
 * The penalty is λ/(2n)·out[slot].
 */
export function penaltyTerms(k: Backend, net: NetworkSpec, params: Tensor, ws: Workspace, out: Tensor, slot: number): void {
  const hiddenW = net.layout.layers[0]!.outDim;
  const outLayer = net.layout.layers[1]!;
  const z = ws.hidden[0]!, tmp = ws.deriv[0]!;
  k.mul(z, z, tmp);
  k.gemm(ws.ones, tmp, ws.colA[0]!, { m: 1, n: hiddenW, k: ws.rows });
  k.copy(params, ws.lastW, outLayer.wOffset, 0, outLayer.outDim * outLayer.inDim);
  k.mul(ws.lastW, ws.lastW, ws.lastW);
  k.gemm(ws.ones, ws.lastW, ws.colB[0]!, { m: 1, n: hiddenW, k: outLayer.outDim });
  k.reduce('dot', ws.colA[0]!, ws.colB[0]!, out, slot);
}

/**
 * Writes the penalty's gradient w.r.t. W_out into ws.grad (the backward pass then accumulates
 * into it) and returns the hook that adds its gradient w.r.t. the hidden outputs.
 * Requires penaltyTerms to have filled q and s.
 */
export function penaltyGradient(k: Backend, net: NetworkSpec, params: Tensor, ws: Workspace): (l: number, g: Tensor) => void {
  const coef = dropoutVariance(net.keep) / ws.rows;
  const outLayer = net.layout.layers[1]!;
  const size = outLayer.outDim * outLayer.inDim;
  k.copy(params, ws.lastW, outLayer.wOffset, 0, size);
  k.broadcast(ws.lastW, ws.colA[0]!, ws.lastW, { rows: outLayer.outDim, cols: outLayer.inDim, op: 'mul' });
  k.scale(coef, ws.lastW);
  k.copy(ws.lastW, ws.grad, 0, outLayer.wOffset, size);
  return (l, g) => {
    k.broadcast(ws.hidden[l]!, ws.colB[l]!, ws.deriv[l]!, { rows: ws.rows, cols: outLayer.inDim, op: 'mul' });
    k.axpy(coef, ws.deriv[l]!, g);
  };
}
