/**
 * One forward/backward pass of an MLP for P paths at once, each path with its own parameters (row
 * p of a P × D tensor Θ) and r mask blocks (r masked copies of the n samples, stacked as r·n rows).
 * The pass writes, per path, the *weighted sum* over blocks of the blocks' gradients,
 *   out[p] = Σ_j w_{p,j} ∇R_S^drop(Θ_p; η_{p,j})   (+ the L_S penalty's gradient on block 0),
 * which is all a step needs: the weights fold the learning rate and the mask-pair sampler's
 * ±z_j/√(2M) into the output δ, so every layer's weight gradient summed over blocks is one GEMM
 * reducing over the r·n stacked rows; for layer 0, whose input x is shared, the δ's are first
 * summed over blocks (the mask-independent σ' applied after the sum), then one GEMM with x.
 * Layer 0's pre-activation does not depend on the mask: it is computed once per path and repeated.
 *
 * Every GEMM is batched over paths (weights at stride D); multipliers come from `eta`
 * (P·r rows per hidden layer, filled by the caller; 1 where a block is unmasked).
 * Requires shared masks (one mask row per block for all samples) and at least one hidden layer.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { backwardLayers, forwardLayers, lossHeadLayers } from '../model/layer-pass.js';
import type { Mlp } from '../model/mlp.js';
import { ownedTensors } from '../model/owned-tensors.js';
import type { LayerBuffers, PassShape } from '../model/pass-shape.js';
import { penaltyColumns, penaltyHiddenGrad, penaltyWeightGrad, type PenaltyBuffers } from '../model/penalty.js';
import { repeatBlocks, repeatRows } from '../model/strided.js';

// Where sme/ imported these helpers from before they moved to model/strided.ts (simulate-batched.ts uses repeatRows).
export { repeatRows, strided } from '../model/strided.js';

/*
 * The buffers alias where a value's last use comes before the next one's first write: dPre[l] is
 * hid[l] for hidden layers (∂/∂(outputs), then δ_l), the last is dOut; σ′ of layer l ≥ 1 lands in
 * pre[l], and of layer 0 in pre0 (= pre[0], deriv0).
 */
export interface PassBuffers extends LayerBuffers {
  paths: number;
  blocks: number;
  shape: PassShape;
  /** Per path: layer 0's pre-activation (n × h0; pre[0]), its σ (act0), and the block-summed δ of layer 0 (sum0). */
  pre0: Tensor;
  /** ∂loss/∂output (P·r·n × c), and cross-entropy's row losses and repeated targets. */
  dOut: Tensor;
  rowLoss: Tensor | null;
  targets: Tensor | null;
  /** Per (path, block) weights of the δ's (P·r). */
  weights: Tensor;
  /** The penalty's column terms q, s (P × h0), the output weights per path (P × c·h0), scratch (zs: P × n·h0). */
  penalty: PenaltyBuffers;
  /** A ones vector shared by the caller (not owned), at least passOnes() long. */
  one: Tensor;
  all: Tensor[];
}

/** Floats of one path's buffers for r blocks (for choosing how many paths fit a budget). */
export function passFloats(model: Mlp, n: number, r: number): number {
  const layers = model.layout.layers, c = layers[layers.length - 1]!.outDim, h0 = layers[0]!.outDim;
  let f = 4 * n * h0 + 2 * c * h0 + 3 * h0 + r + r * n * c * (model.options.loss === 'xent' ? 2 : 1) + r * n;
  for (let l = 0; l < layers.length; l++) {
    if (l < layers.length - 1) f += r * n * layers[l]!.outDim + r * layers[l]!.outDim;
    if (l > 0) f += r * n * layers[l]!.outDim;
  }
  return f;
}

/** Length of the ones vector a pass of r blocks needs. */
export function passOnes(model: Mlp, n: number, r: number): number {
  const c = model.layout.layers[model.layout.layers.length - 1]!.outDim;
  return Math.max(model.size, r * n * c, n, r, ...model.layout.sizes);
}

export function allocatePass(k: Backend, model: Mlp, data: DeviceDataset, P: number, r: number, one: Tensor): PassBuffers {
  const { make, all } = ownedTensors(k);
  const layers = model.layout.layers, n = data.n, last = layers.length - 1;
  const c = layers[last]!.outDim, h0 = layers[0]!.outDim, R = r * n;
  const xent = model.options.loss === 'xent';
  const pre0 = make(P * n * h0);
  const pre = layers.map((L, l) => (l === 0 ? pre0 : make(P * R * L.outDim)));
  const hid = layers.slice(0, -1).map((L) => make(P * R * L.outDim));
  const dOut = make(P * R * c);
  const b: PassBuffers = {
    paths: P, blocks: r,
    shape: {
      layers, activation: model.net.activation, n, sets: P, stride: model.size,
      entries: P, rows: R, perSampleMasks: false, one,
    },
    pre0, pre, act0: make(P * n * h0), hid,
    dPre: [...hid, dOut], deriv: pre, deriv0: pre0,
    sum0: make(P * n * h0),
    dOut,
    rowLoss: xent ? make(P * R) : null,
    targets: xent ? make(P * R * c) : null,
    eta: layers.slice(0, -1).map((L) => make(P * r * L.outDim)),
    weights: make(P * r),
    penalty: { q: make(P * h0), s: make(P * h0), wOut: make(P * c * h0), wSq: make(P * c * h0), tmp: make(P * n * h0) },
    one, all,
  };
  for (const e of b.eta) k.fill(e, 1);
  if (b.targets) repeatRows(k, one, data.y, b.targets, n * c, P * r);
  return b;
}

/**
 * Forward pass of P paths with r blocks; `masked` multiplies hidden outputs by eta. With
 * `layer0Ready`, b.pre0 and b.act0 already hold layer 0 at theta (copied from another pass at the
 * same Θ by shareLayer0), so its GEMM is not run again.
 */
export function passForward(k: Backend, _model: Mlp, data: DeviceDataset, b: PassBuffers, theta: Tensor, masked: boolean, layer0Ready = false): void {
  forwardLayers(k, b.shape, b, theta, data.x, { masked, layer0Ready });
}

/**
 * Layer 0's pre-activation and output of `from` (after its passForward, before its passBackward,
 * which overwrites pre0 with σ′) into `to`, a pass (or the HVP's pre[0], hid[0]) of the same P paths
 * at the same Θ: the order-2 step's drift, HVP and noise pass share one layer-0 GEMM.
 */
export function shareLayer0(k: Backend, from: PassBuffers, to: { pre: Tensor; act: Tensor }): void {
  k.copy(from.pre0, to.pre);
  k.copy(from.act0, to.act);
}

/**
 * After passForward: ∂loss/∂output into b.dOut (divided by n, not yet weighted) and, when `sums` is
 * given, every path's row-loss sum (over its r·n rows) into sums[offset + p]. Returns the loss
 * divisor (2n for MSE, n for cross-entropy).
 */
export function passLossHead(k: Backend, model: Mlp, data: DeviceDataset, b: PassBuffers, sums: Tensor | null, offset = 0): number {
  return lossHeadLayers(k, b.shape, model.options.loss, b, data.y, b.targets, sums ? { perSet: sums, offset } : null);
}

export interface BackwardSpec {
  /** One weight for every block (a number), or the per-(path, block) weights in b.weights. */
  weight: number | 'per-block';
  masked: boolean;
  /**
   * Coefficient of the closed-form L_S penalty's gradient (docs/math.md §2, one hidden layer, MSE) added
   * to block 0 (unmasked): block 0's weight · λ/n; 0 for none.
   */
  penalty: number;
}

/** Backward pass after passForward and passLossHead: out[p] (P × D) as described at the top. */
export function passBackward(k: Backend, model: Mlp, data: DeviceDataset, b: PassBuffers, theta: Tensor, out: Tensor, spec: BackwardSpec): void {
  const n = data.n, P = b.paths, r = b.blocks, c = model.layout.layers[model.layout.layers.length - 1]!.outDim;
  if (spec.weight === 'per-block') {
    k.broadcast(b.dOut, b.weights, b.dOut, { rows: n * c, cols: 1, op: 'mul', batch: P * r, vStride: 1 });
  } else if (spec.weight !== 1) {
    k.scale(spec.weight, b.dOut);
  }
  const penalty = spec.penalty !== 0;
  if (penalty) {
    // q, s per path from the unmasked hidden output; W_out ⊙ q into out first (the backward adds to it).
    penaltyColumns(k, b.shape, b.penalty, b.act0, theta);
    penaltyWeightGrad(k, b.shape, b.penalty, out, spec.penalty);
  }
  backwardLayers(k, b.shape, b, theta, data.x, out, {
    masked: spec.masked,
    accumulateLast: penalty,
    // Block 0's ∂/∂z gains (λ/n)·z ⊙ s, scaled like block 0.
    hook: penalty ? (l, g) => {
      if (l === 0) penaltyHiddenGrad(k, b.shape, b.penalty, b.act0, g, b.shape.rows, spec.penalty);
    } : undefined,
  });
}
