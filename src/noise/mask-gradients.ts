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
import type { Mlp } from '../model/mlp.js';

/** Device buffers of one batched pass over `masks` masks and `rows` samples. */
interface BatchBuffers {
  masks: number;
  /** Shared across masks: first pre-activation, its σ and σ'. */
  pre0: Tensor;
  act0: Tensor;
  /** Batched (masks × rows × out) per layer l ≥ 1: pre-activations; per hidden layer: outputs, σ'. */
  pre: Tensor[];
  hidden: Tensor[];
  deriv: Tensor[];
  /** Batched ∂/∂pre per layer, multipliers per hidden layer (masks × out), targets repeated. */
  dPre: Tensor[];
  eta: Tensor[];
  y: Tensor;
  /** One mask row, and the row losses of cross-entropy. */
  row: Tensor;
  rowLoss: Tensor;
  ones: Tensor;
  all: Tensor[];
}

function allocate(k: Backend, model: Mlp, rows: number, masks: number, outDim: number): BatchBuffers {
  const all: Tensor[] = [];
  const make = (n: number) => {
    const t = k.create(Math.max(1, n));
    all.push(t);
    return t;
  };
  const layers = model.layout.layers;
  const hidden = layers.slice(0, -1);
  const b: BatchBuffers = {
    masks,
    pre0: make(rows * layers[0]!.outDim),
    act0: make(rows * layers[0]!.outDim),
    pre: layers.map((l, i) => (i === 0 ? make(1) : make(masks * rows * l.outDim))),
    hidden: hidden.map((l) => make(masks * rows * l.outDim)),
    deriv: hidden.map((l) => make(masks * rows * l.outDim)),
    dPre: layers.map((l) => make(masks * rows * l.outDim)),
    eta: hidden.map((l) => make(masks * l.outDim)),
    y: make(masks * rows * outDim),
    row: make(Math.max(...hidden.map((l) => l.outDim))),
    rowLoss: make(masks * rows),
    ones: make(rows),
    all,
  };
  k.fill(b.ones, 1);
  return b;
}

/** Repeats the first `len` elements of src `times` times into dst. */
function repeat(k: Backend, src: Tensor, dst: Tensor, len: number, times: number): void {
  for (let j = 0; j < times; j++) k.copy(src, dst, 0, j * len, len);
}

/**
 * Writes g_j for j < masks into out (masks × D, row-major) at row offset `outRow`.
 * Requires shared masks (model option masks: 'shared').
 */
function batchedGradients(k: Backend, model: Mlp, data: DeviceDataset, b: BatchBuffers, seed: number, stepOffset: number, out: Tensor, outRow: number): void {
  const net = model.net, layers = model.layout.layers, n = data.n, M = b.masks, D = model.size;
  const last = layers.length - 1;
  // Multipliers η_{l,j}: one mask row per (layer, j), packed masks × out.
  layers.slice(0, -1).forEach((L, l) => {
    for (let j = 0; j < M; j++) {
      k.mask(b.row, { seed, step: stepOffset + j, layer: l, units: L.outDim, samples: 1, keep: net.keep });
      k.copy(b.row, b.eta[l]!, 0, j * L.outDim, L.outDim);
    }
  });
  // Forward. Layer 0 is shared; its masked output is repeated per mask, then multiplied.
  const L0 = layers[0]!;
  k.gemm(data.x, model.params, b.pre0, { m: n, n: L0.outDim, k: L0.inDim, transB: true, offsetB: L0.wOffset });
  if (L0.bOffset >= 0) k.broadcast(b.pre0, model.params, b.pre0, { rows: n, cols: L0.outDim, op: 'add', vOffset: L0.bOffset });
  k.activation(b.pre0, b.act0, net.activation);
  for (let l = 0; l < last; l++) {
    const L = layers[l]!, size = n * L.outDim;
    if (l === 0) repeat(k, b.act0, b.hidden[0]!, size, M);
    else k.activation(b.pre[l]!, b.hidden[l]!, net.activation);
    k.broadcast(b.hidden[l]!, b.eta[l]!, b.hidden[l]!, { rows: n, cols: L.outDim, op: 'mul', batch: M, vStride: L.outDim });
    const next = layers[l + 1]!;
    k.gemm(b.hidden[l]!, model.params, b.pre[l + 1]!, {
      m: n, n: next.outDim, k: next.inDim, batch: M, transB: true,
      strideA: size, strideB: 0, strideC: n * next.outDim, offsetB: next.wOffset,
    });
    if (next.bOffset >= 0) k.broadcast(b.pre[l + 1]!, model.params, b.pre[l + 1]!, { rows: M * n, cols: next.outDim, op: 'add', vOffset: next.bOffset });
  }
  // Loss head, batched over masks.
  const out_ = layers[last]!, dOut = b.dPre[last]!;
  if (net.loss === 'mse') {
    k.copy(b.pre[last]!, dOut);
    k.axpy(-1, b.y, dOut);
  } else {
    k.softmaxXent(b.pre[last]!, b.y, dOut, b.rowLoss, { rows: M * n, cols: out_.outDim });
  }
  k.scale(1 / n, dOut);
  // Backward, batched; gradients land in rows outRow … outRow + M − 1 of `out`.
  for (let l = last; l >= 0; l--) {
    const L = layers[l]!, d = b.dPre[l]!, dStride = n * L.outDim;
    const input = l === 0 ? data.x : b.hidden[l - 1]!;
    k.gemm(d, input, out, {
      m: L.outDim, n: L.inDim, k: n, batch: M, transA: true,
      strideA: dStride, strideB: l === 0 ? 0 : n * L.inDim, strideC: D, offsetC: outRow * D + L.wOffset,
    });
    if (L.bOffset >= 0) {
      k.gemm(b.ones, d, out, { m: 1, n: L.outDim, k: n, batch: M, strideA: 0, strideB: dStride, strideC: D, offsetC: outRow * D + L.bOffset });
    }
    if (l === 0) break;
    const h = l - 1, H = layers[h]!, g = b.dPre[h]!;
    k.gemm(d, model.params, g, { m: n, n: L.inDim, k: L.outDim, batch: M, strideA: dStride, strideB: 0, strideC: n * L.inDim, offsetB: L.wOffset });
    k.broadcast(g, b.eta[h]!, g, { rows: n, cols: H.outDim, op: 'mul', batch: M, vStride: H.outDim });
    if (h === 0) {
      k.activation(b.pre0, b.act0, net.activation, 1);
      repeat(k, b.act0, b.deriv[0]!, n * H.outDim, M);
    } else {
      k.activation(b.pre[h]!, b.deriv[h]!, net.activation, 1);
    }
    k.mul(g, b.deriv[h]!, g);
  }
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
    const k = this.model.backend, n = this.data.n, c = this.data.outDim;
    const M = Math.min(this.perPass, count - done);
    if (!this.buffers || this.buffers.masks !== M) {
      this.dispose();
      this.buffers = allocate(k, this.model, n, M, c);
      repeat(k, this.data.y, this.buffers.y, n * c, M);
    }
    batchedGradients(k, this.model, this.data, this.buffers, seed, stepOffset + done, out, done);
  }

  dispose(): void {
    if (this.buffers) for (const t of this.buffers.all) this.model.backend.dispose(t);
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
