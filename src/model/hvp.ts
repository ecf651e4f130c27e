/**
 * Exact Hessian-vector products of one network on one batch: the R-operator of r-pass.ts on a
 * workspace and its R-workspace, with the closed-form penalty's R-terms (penalty.ts) for L_S.
 * hvpForward runs what the R pass reads (forward, loss head, penalty terms); hvpPass then needs
 * only the direction. A Monte Carlo L_S Hessian redoes both per mask draw (hvpMonteCarlo).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { dropoutVariance, penaltyTerms } from './modified-loss.js';
import { forward, lossHead, networkShape, type MaskDraw, type NetworkSpec } from './network.js';
import { penaltyColumnsR, penaltyHiddenGradR, penaltyWeightGradR } from './penalty.js';
import { rBackward, rForward, rLossHead, type RBackwardOptions } from './r-pass.js';
import type { RWorkspace } from './r-workspace.js';
import type { Workspace } from './workspace.js';

/**
 * Which passes one Hessian needs: a single R pass after one forward pass (masks of `draw`, or none;
 * `penalty`: add the closed-form L_S penalty), or the mean of `samples` fixed-mask Hessians drawn
 * from `seed` (L_S without a closed form).
 */
export type HessianPlan =
  | { kind: 'single'; draw: MaskDraw; penalty: boolean }
  | { kind: 'monteCarlo'; samples: number; seed: number };

/**
 * The forward pass, the loss head (its loss sum into scalars[0]) and, with `penalty`, the penalty
 * terms (scalars[1]) at params on ws; `pre0Ready`: hvpLayer0 ran.
 */
export function hvpForward(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, y: Tensor, ws: Workspace, scalars: Tensor, draw: MaskDraw, penalty: boolean,
  pre0Ready = false,
): void {
  forward(k, net, params, x, ws, draw, pre0Ready);
  lossHead(k, net, y, ws, scalars, 0);
  if (penalty) penaltyTerms(k, net, params, ws, scalars, 1);
}

/**
 * Layer 0 of a lone HVP's forward and R-forward passes as one product, x·[W₀; V₀]ᵀ, which reads x
 * once for both (the WASM gemm's shared-A path), copied into ws.pre[0] and rws.rPre[0] before
 * their biases; hvpForward and hvpPass then skip those products (`pre0Ready`, `rPre0Ready`).
 * Each entry of a batched gemm is summed as that product alone, so the bits are those of the two
 * products. The direction must be in rws.v.
 */
export function hvpLayer0(k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, ws: Workspace, rws: RWorkspace): void {
  const L0 = net.layout.layers[0]!, w = L0.outDim * L0.inDim, z = ws.rows * L0.outDim;
  const { weights, products } = rws.layer0Pair();
  k.copy(params, weights, L0.wOffset, 0, w);
  k.copy(rws.v, weights, L0.wOffset, w, w);
  k.gemm(x, weights, products, { m: ws.rows, n: L0.outDim, k: L0.inDim, transB: true, batch: 2, strideA: 0, strideB: w, strideC: z });
  k.copy(products, ws.pre[0]!, 0, 0, z);
  k.copy(products, rws.rPre[0]!, z, 0, z);
}

/**
 * σ′ into ws.deriv and σ″ into `second` (one tensor per hidden layer) at the pre-activations of the
 * last forward pass, for hvpPass's `secondDeriv` (after penaltyTerms, whose scratch is deriv[0]).
 */
export function hvpDerivatives(k: Backend, net: NetworkSpec, ws: Workspace, second: Tensor[]): void {
  ws.deriv.forEach((d, l) => {
    k.activation(ws.pre[l]!, d, net.activation, 1);
    k.activation(ws.pre[l]!, second[l]!, net.activation, 2);
  });
}

/**
 * rws.hv = H·rws.v for the loss whose forward pass and loss head ran on ws (hvpForward; masked:
 * with the drawn masks; penalty: add the modified-loss penalty, which needs its terms;
 * secondDeriv: hvpDerivatives ran, so σ′ is in ws.deriv and σ″ here, and neither is evaluated).
 * What it reads of ws it does not write: pre, hid, eta, dPre[last], ones and the penalty's q, s,
 * wOut (and deriv with secondDeriv). What it writes there it writes before reading: deriv (σ′,
 * rForward, without secondDeriv), dPre of the hidden layers (from dPre[last], rBackward) and the
 * penalty's scratch wSq. So running it again on the same ws, with any direction, gives exactly
 * what a fresh forward pass followed by it would: the same kernels on the same inputs (σ′ and σ″
 * are elementwise functions of pre, the same bits whenever evaluated). `delta` (r-pass.ts): the
 * hidden layers' δ saved by a first pass at this θ and reused by later ones, which then no longer
 * write dPre (products at one θ).
 */
export function hvpPass(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, y: Tensor, ws: Workspace, rws: RWorkspace,
  masked: boolean, penalty: boolean, secondDeriv: Tensor[] | null = null, delta: RBackwardOptions['delta'] = null, rPre0Ready = false,
): void {
  const s = networkShape(net, ws);
  rForward(k, s, ws, rws, params, rws.v, x, masked, secondDeriv !== null, rPre0Ready);
  rLossHead(k, s, net.loss, ws, rws, y);
  let hook = null;
  if (penalty) {
    const coef = dropoutVariance(net.keep) / ws.rows, z = ws.hid[0]!, rz = rws.rHid[0]!;
    penaltyColumnsR(k, s, ws.penalty, rws.penalty, z, rz, rws.v);
    penaltyWeightGradR(k, s, ws.penalty, rws.penalty, rws.hv, coef);
    hook = (g: Tensor | null, rg: Tensor) => penaltyHiddenGradR(k, s, ws.penalty, rws.penalty, z, rz, g, rg, coef);
  }
  rBackward(k, s, ws, rws, params, rws.v, x, rws.hv, { masked, hook, secondDeriv, delta });
}

/** rws.hv = mean over draws j < samples of H_drop(seed, j)·rws.v, each with its own forward pass on ws; acc (D) is scratch. */
export function hvpMonteCarlo(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, y: Tensor, ws: Workspace, rws: RWorkspace, scalars: Tensor, acc: Tensor,
  samples: number, seed: number,
): void {
  k.fill(acc, 0);
  for (let j = 0; j < samples; j++) {
    hvpForward(k, net, params, x, y, ws, scalars, { seed, step: j }, false);
    hvpPass(k, net, params, x, y, ws, rws, true, false);
    k.axpy(1 / samples, rws.hv, acc);
  }
  k.copy(acc, rws.hv);
}
