/**
 * The exact modified loss of docs/math.md §2 for one network with one dropout layer and MSE:
 *   L_S = R_S + λ/(2n) Σ_i Σ_k ‖a_k‖² σ(w_k·x_i)²,  λ = (1−p)/p,
 * the penalty of penalty.ts on a workspace (its q, s, gradient and hidden-gradient hook).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { networkShape, type NetworkSpec } from './network.js';
import { penaltyColumns, penaltyHiddenGrad, penaltyWeightGrad } from './penalty.js';
import type { Workspace } from './workspace.js';

/** True where the closed form applies: exactly one hidden (dropout) layer and MSE. */
export function hasClosedForm(net: NetworkSpec): boolean {
  return net.layout.layers.length === 2 && net.loss === 'mse';
}

export function dropoutVariance(keep: number): number {
  return (1 - keep) / keep;
}

/**
 * After an unmasked forward pass: q, s into ws.penalty, and q·s → out[slot].
 * The penalty is λ/(2n)·out[slot].
 */
export function penaltyTerms(k: Backend, net: NetworkSpec, params: Tensor, ws: Workspace, out: Tensor, slot: number): void {
  penaltyColumns(k, networkShape(net, ws), ws.penalty, ws.hid[0]!, params);
  k.reduce('dot', ws.penalty.q, ws.penalty.s, out, slot);
}

/**
 * Writes the penalty's gradient w.r.t. W_out into ws.grad (the backward pass then accumulates
 * into it) and returns the hook that adds its gradient w.r.t. the hidden outputs.
 * Requires penaltyTerms to have filled q and s (and left W_out in ws.penalty.wOut).
 */
export function penaltyGradient(k: Backend, net: NetworkSpec, ws: Workspace): (l: number, g: Tensor) => void {
  const shape = networkShape(net, ws), coef = dropoutVariance(net.keep) / ws.rows;
  penaltyWeightGrad(k, shape, ws.penalty, ws.grad, coef);
  return (l, g) => penaltyHiddenGrad(k, shape, ws.penalty, ws.hid[l]!, g, ws.rows, coef);
}
