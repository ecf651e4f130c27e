/**
 * The M per-mask full-batch gradients g_j = ∇R_S^drop(θ; η_j) of docs/math.md §3 in one batched pass, the
 * masks being an extra batch dimension (shared masks: η_j is one row per hidden layer, the same
 * for every sample). Mask j is the draw { seed, step: stepOffset + j }, so g_j equals
 * model.gradient(data, { mask: { seed, step: stepOffset + j } }).
 *
 * The first pre-activation does not depend on the mask and is computed once; every later GEMM is
 * batched over the M masks (weights broadcast with stride 0), and the per-mask multipliers are
 * applied by the batched broadcast kernel.
 */
import { checkAbort } from '../abort.js';
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { backwardLayers, forwardLayers, lossHeadLayers } from '../model/layer-pass.js';
import type { Mlp } from '../model/mlp.js';
import { ownedTensors, type OwnedTensors } from '../model/owned-tensors.js';
import type { LayerBuffers, PassShape } from '../model/pass-shape.js';
import { repeatBlocks } from '../model/strided.js';

/**
 * Device buffers of one batched pass over `masks` masks and `rows` samples: layer 0 (pre[0], act0,
 * deriv0: σ′ of layer 0) once, every later layer batched (masks × rows × out), multipliers
 * (masks × out per hidden layer).
 */
interface BatchBuffers extends LayerBuffers {
  shape: PassShape;
  /** One mask row; cross-entropy's row losses; the targets repeated per mask. */
  row: Tensor;
  rowLoss: Tensor | null;
  targets: Tensor;
  owned: OwnedTensors;
}

function allocate(k: Backend, model: Mlp, data: DeviceDataset, masks: number): BatchBuffers {
  const owned = ownedTensors(k), { make } = owned;
  const layers = model.layout.layers, rows = data.n, c = data.outDim;
  const hidden = layers.slice(0, -1), h0 = layers[0]!.outDim;
  const xent = model.options.loss === 'xent';
  const one = make(rows);
  k.fill(one, 1);
  const act0 = make(rows * h0);
  const b: BatchBuffers = {
    shape: {
      layers, activation: model.net.activation, n: rows, sets: 1, stride: model.size,
      entries: masks, rows, perSampleMasks: false, one,
    },
    pre: layers.map((l, i) => make((i === 0 ? 1 : masks) * rows * l.outDim)),
    act0, deriv0: act0,
    hid: hidden.map((l) => make(masks * rows * l.outDim)),
    deriv: hidden.map((l) => make(masks * rows * l.outDim)),
    dPre: layers.map((l) => make(masks * rows * l.outDim)),
    eta: hidden.map((l) => make(masks * l.outDim)),
    sum0: null,
    row: make(Math.max(...hidden.map((l) => l.outDim))),
    rowLoss: xent ? make(masks * rows) : null,
    targets: make(masks * rows * c),
    owned,
  };
  repeatBlocks(k, one, data.y, b.targets, rows * c, masks, 1);
  return b;
}

/**
 * Writes g_j for j < masks into out (masks × D, row-major) at row offset `outRow`.
 * Requires shared masks (model option masks: 'shared').
 */
function batchedGradients(k: Backend, model: Mlp, data: DeviceDataset, b: BatchBuffers, seed: number, stepOffset: number, out: Tensor, outRow: number): void {
  const net = model.net, layers = model.layout.layers, M = b.shape.entries;
  // Multipliers η_{l,j}: one mask row per (layer, j), packed masks × out.
  layers.slice(0, -1).forEach((L, l) => {
    for (let j = 0; j < M; j++) {
      k.mask(b.row, { seed, step: stepOffset + j, layer: l, units: L.outDim, samples: 1, keep: net.keep });
      k.copy(b.row, b.eta[l]!, 0, j * L.outDim, L.outDim);
    }
  });
  forwardLayers(k, b.shape, b, model.params, data.x, { masked: true });
  lossHeadLayers(k, b.shape, net.loss, b, data.y, b.targets, null);
  backwardLayers(k, b.shape, b, model.params, data.x, out, { masked: true, outOffset: outRow * model.size });
}

/** Largest number of masks per batched pass, so the batched buffers stay near `budget` floats. */
export function masksPerPass(model: Mlp, rows: number, budget = 1 << 24): number {
  const perMask = rows * model.layout.layers.reduce((s, l) => s + 3 * l.outDim, 0);
  return Math.max(1, Math.floor(budget / Math.max(1, perMask)));
}

/**
 * Reusable batched passes of `perPass` masks over one data set: buffers are allocated once, so a
 * sampler that needs fresh mask gradients every SME step allocates nothing per step.
 */
export class MaskGradientBatches {
  private buffers: BatchBuffers | null = null;

  constructor(private readonly model: Mlp, private readonly data: DeviceDataset, readonly perPass: number) {
    model.prepare(data);
  }

  /** g_j for j < count into `out` (count × D) with masks { seed, step: stepOffset + j }. */
  run(seed: number, stepOffset: number, count: number, out: Tensor): void {
    for (let done = 0; done < count; done += this.perPass) this.pass(seed, stepOffset, count, out, done);
  }

  /** run() with a cancellation check before each pass (a pass over a large data set takes seconds). */
  async runChecked(seed: number, stepOffset: number, count: number, out: Tensor, signal: AbortSignal): Promise<void> {
    for (let done = 0; done < count; done += this.perPass) {
      await checkAbort(signal);
      this.pass(seed, stepOffset, count, out, done);
    }
  }

  private pass(seed: number, stepOffset: number, count: number, out: Tensor, done: number): void {
    const k = this.model.kernels;
    const M = Math.min(this.perPass, count - done);
    if (!this.buffers || this.buffers.shape.entries !== M) {
      this.dispose();
      this.buffers = allocate(k, this.model, this.data, M);
    }
    batchedGradients(k, this.model, this.data, this.buffers, seed, stepOffset + done, out, done);
  }

  dispose(): void {
    this.buffers?.owned.dispose();
    this.buffers = null;
  }
}

/** g_j for j < count into `out` (count × D) on the device, in passes of at most `perPass` masks. */
export function maskGradients(model: Mlp, data: DeviceDataset, out: Tensor, opts: { count: number; seed: number; stepOffset?: number; perPass?: number }): void {
  const batches = new MaskGradientBatches(model, data, Math.min(opts.count, opts.perPass ?? masksPerPass(model, data.n)));
  try {
    batches.run(opts.seed, opts.stepOffset ?? 0, opts.count, out);
  } finally {
    batches.dispose();
  }
}
