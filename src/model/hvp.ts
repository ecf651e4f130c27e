/**
 * Exact Hessian-vector products of one network on one batch: the R-operator of r-pass.ts on a
 * workspace and its R-workspace, with the closed-form penalty's R-terms (penalty.ts) for L_S.
 * Requires the forward pass (same masks) and the loss head to have run on `ws`.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { dropoutVariance } from './modified-loss.js';
import { networkShape, type NetworkSpec } from './network.js';
import { penaltyColumnsR, penaltyHiddenGradR, penaltyWeightGradR } from './penalty.js';
import { rBackward, rForward, rLossHead } from './r-pass.js';
import type { RWorkspace } from './r-workspace.js';
import type { Workspace } from './workspace.js';

/**
 * rws.hv = H·rws.v for the loss whose forward pass and loss head just ran on ws (masked: with the
 * drawn masks; penalty: add the modified-loss penalty, which needs penaltyTerms to have run).
 */
export function hvpPass(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, y: Tensor, ws: Workspace, rws: RWorkspace,
  masked: boolean, penalty: boolean,
): void {
  const s = networkShape(net, ws);
  rForward(k, s, ws, rws, params, rws.v, x, masked);
  rLossHead(k, s, net.loss, ws, rws, y);
  let hook = null;
  if (penalty) {
    const coef = dropoutVariance(net.keep) / ws.rows, z = ws.hid[0]!, rz = rws.rHid[0]!;
    penaltyColumnsR(k, s, ws.penalty, rws.penalty, z, rz, rws.v);
    penaltyWeightGradR(k, s, ws.penalty, rws.penalty, rws.hv, coef);
    hook = (g: Tensor, rg: Tensor) => penaltyHiddenGradR(k, s, ws.penalty, rws.penalty, z, rz, g, rg, coef);
  }
  rBackward(k, s, ws, rws, params, rws.v, x, rws.hv, { masked, hook });
}
