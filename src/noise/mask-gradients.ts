/**
 * The M per-mask full-batch gradients g_j = ∇R_S^drop(θ; η_j) of docs/math.md §3 in one batched pass, the
 * masks being an extra batch dimension (shared masks: η_j is one row per hidden layer, the same
 * for every sample). Mask j is the draw { seed, step: stepOffset + j }, so g_j equals
 * model.gradient(data, { mask: { seed, step: stepOffset + j } }).
 *
 * Layer 0 does not depend on the mask: its pre-activation, σ and σ′ are computed once per run (on
 * its first pass) and kept for the run's other passes, since θ is the same for all of them; every
 * later GEMM is batched over the masks of a pass (weights broadcast with stride 0), and the
 * per-mask multipliers are applied by the batched broadcast kernel.
 */
import { checkAbort } from '../abort.js';
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { backwardLayers, forwardLayers, lossHeadLayers } from '../model/layer-pass.js';
import type { Mlp } from '../model/mlp.js';
import { ownedTensors, type OwnedTensors } from '../model/owned-tensors.js';
import type { LayerBuffers, PassShape } from '../model/pass-shape.js';
import { repeatBlocks } from '../model/strided.js';

/** Layer 0 at θ, the same under every mask (n × h0 each): pre-activation, σ and σ′. Kept across passes. */
interface Layer0 {
  pre0: Tensor;
  act0: Tensor;
  deriv0: Tensor;
  owned: OwnedTensors;
}

function allocateLayer0(k: Backend, model: Mlp, data: DeviceDataset): Layer0 {
  const owned = ownedTensors(k), len = data.n * model.layout.layers[0]!.outDim;
  return { pre0: owned.make(len), act0: owned.make(len), deriv0: owned.make(len), owned };
}

/**
 * Device buffers of one batched pass over `masks` masks and `rows` samples: layer 0 from `layer0`
 * (one copy for every mask), every later layer batched (masks × rows × out), multipliers
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

function allocate(k: Backend, model: Mlp, data: DeviceDataset, masks: number, layer0: Layer0): BatchBuffers {
  const owned = ownedTensors(k), { make } = owned;
  const layers = model.layout.layers, rows = data.n, c = data.outDim;
  const hidden = layers.slice(0, -1);
  const xent = model.options.loss === 'xent';
  const one = make(rows);
  k.fill(one, 1);
  const b: BatchBuffers = {
    shape: {
      layers, activation: model.net.activation, n: rows, sets: 1, stride: model.size,
      entries: masks, rows, perSampleMasks: false, one,
    },
    pre: layers.map((l, i) => (i === 0 ? layer0.pre0 : make(masks * rows * l.outDim))),
    act0: layer0.act0, deriv0: layer0.deriv0,
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
 * Requires shared masks (model option masks: 'shared'). `layer0Ready`: an earlier pass at this θ
 * left layer 0's pre-activation, σ and σ′ in the buffers (else this pass computes them).
 */
function batchedGradients(
  k: Backend, model: Mlp, data: DeviceDataset, b: BatchBuffers, seed: number, stepOffset: number, out: Tensor, outRow: number, layer0Ready: boolean,
): void {
  const net = model.net, layers = model.layout.layers, M = b.shape.entries;
  // Multipliers η_{l,j}: one mask row per (layer, j), packed masks × out.
  layers.slice(0, -1).forEach((L, l) => {
    for (let j = 0; j < M; j++) {
      k.mask(b.row, { seed, step: stepOffset + j, layer: l, units: L.outDim, samples: 1, keep: net.keep });
      k.copy(b.row, b.eta[l]!, 0, j * L.outDim, L.outDim);
    }
  });
  forwardLayers(k, b.shape, b, model.params, data.x, { masked: true, layer0Ready });
  lossHeadLayers(k, b.shape, net.loss, b, data.y, b.targets, null);
  backwardLayers(k, b.shape, b, model.params, data.x, out, { masked: true, outOffset: outRow * model.size, deriv0Ready: layer0Ready });
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
  private layer0: Layer0 | null = null;
  /** Layer 0 in `layer0` is at the θ of the run under way (false at the start of every run). */
  private layer0Ready = false;

  constructor(private readonly model: Mlp, private readonly data: DeviceDataset, readonly perPass: number) {
    model.prepare(data);
  }

  /**
   * g_j for j < count into `out` (count × D) with masks { seed, step: stepOffset + j }, at the
   * model's θ when called (θ must not change until it returns: layer 0 is computed once per run).
   */
  run(seed: number, stepOffset: number, count: number, out: Tensor): void {
    this.layer0Ready = false;
    for (let done = 0; done < count; done += this.perPass) this.pass(seed, stepOffset, count, out, done);
  }

  /** run() with a cancellation check before each pass (a pass over a large data set takes seconds). */
  async runChecked(seed: number, stepOffset: number, count: number, out: Tensor, signal: AbortSignal): Promise<void> {
    this.layer0Ready = false;
    for (let done = 0; done < count; done += this.perPass) {
      await checkAbort(signal);
      this.pass(seed, stepOffset, count, out, done);
    }
  }

  private pass(seed: number, stepOffset: number, count: number, out: Tensor, done: number): void {
    const k = this.model.kernels;
    const M = Math.min(this.perPass, count - done);
    this.layer0 ??= allocateLayer0(k, this.model, this.data);
    if (!this.buffers || this.buffers.shape.entries !== M) {
      this.buffers?.owned.dispose();
      this.buffers = allocate(k, this.model, this.data, M, this.layer0);
    }
    // A network without hidden layers has no σ at layer 0 to keep: every pass runs it.
    const reuse = this.layer0Ready && this.model.layout.layers.length > 1;
    batchedGradients(k, this.model, this.data, this.buffers, seed, stepOffset + done, out, done, reuse);
    this.layer0Ready = true;
  }

  dispose(): void {
    this.buffers?.owned.dispose();
    this.buffers = null;
    this.layer0?.owned.dispose();
    this.layer0 = null;
    this.layer0Ready = false;
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
