/**
 * Dropout GD / SGD (docs/math.md §1): θ ← θ − ε ∇R_S^drop(θ; η_N) with fresh masks each step (or no masks
 * with dropout: false), full batch or mini-batches. Parameters and data stay on the device; the
 * loss of each recorded step and the optional snapshots are kept in device tensors and read back
 * once at the end.
 */
import type { Tensor } from '../backend/backend.js';
import { checkInt } from '../backend/validate.js';
import { checkAbort, checkSignal } from '../abort.js';
import { ArgumentError, DeviceLostError, DivergenceError, type TrainCheckpoint } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { BatchSampler } from './batch-sampler.js';
import { gaussians } from '../noise/gaussian.js';
import { streamTag } from '../random/streams.js';

const ISOTROPIC = streamTag('isotropic');

/** Options of `engine.train` (docs/math.md §1.4). */
export interface TrainOptions {
  /** Learning rate ε > 0. */
  lr: number;
  /** Number of steps (an integer ≥ 1). */
  steps: number;
  /** Apply dropout with the model's keep probability (default true). */
  dropout?: boolean;
  /** Seed of the masks and of the mini-batch order. */
  seed?: number;
  /** Rows per step; default (or ≥ n): full batch. */
  batchSize?: number;
  /** Record the training loss every this many steps (default 1). */
  lossEvery?: number;
  /** Record θ every this many steps (0 = never; default 0). */
  snapshotEvery?: number;
  /**
   * Add isotropic Gaussian noise ξ with this variance per coordinate to every gradient
   * (θ ← θ − ε(∇ + ξ)): the "GD with isotropic noise of equal total variance" comparison of docs/math.md §6
   * (variance = tr Σ / D). Default 0.
   */
  isotropicNoise?: number;
  /** The step counter of the first step (masks depend on it), to continue a run (default 0). */
  startStep?: number;
  /**
   * Divergence check: every `checkEvery` steps (default 25) the step's loss is read back; NaN,
   * ±Inf or a loss above `divergenceBound` (default 1e6 × the first step's loss, at least 1e6)
   * stops the run with a DivergenceError naming the step and the value. At the end of every run,
   * however short, every recorded loss and the final θ are checked the same way.
   */
  checkEvery?: number;
  /** The loss bound of the divergence check (see checkEvery). */
  divergenceBound?: number;
  /** Called with (done, steps) every `progressEvery` steps (default: about 100 times a run). */
  onProgress?: (done: number, total: number) => void;
  /** Steps between onProgress calls (default ⌈steps/100⌉). */
  progressEvery?: number;
  /**
   * Every this many steps (default: checkEvery; 0 = never) θ and the losses and snapshots recorded
   * so far are read back to the host (a checkpoint, also taken before the first step). If the
   * device is lost, train rejects with a DeviceLostError whose `checkpoint` holds the last one:
   * a new engine continues from it with setParams(checkpoint.params) and
   * startStep = checkpoint.step, steps = steps − checkpoint.completed (same seed): the masks and
   * mini-batches are those the uninterrupted run would have used.
   */
  checkpointEvery?: number;
  /** Stops the run between steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** What `engine.train` returns; the model holds the trained θ. */
export interface TrainResult {
  /** Training objective of each recorded step, before its update: R_S^drop on the step's batch. */
  losses: Float32Array;
  /** The step number of each recorded loss. */
  lossSteps: Int32Array;
  /** Parameter snapshots, row-major S × D, after the step numbers in `snapshotSteps`. */
  snapshots: Float32Array | null;
  /** The step number after which each snapshot was taken. */
  snapshotSteps: Int32Array;
  /** Steps run. */
  steps: number;
}

interface Resolved {
  lr: number; steps: number; dropout: boolean; seed: number; batch: number; lossEvery: number; isotropic: number;
  checkEvery: number; bound: number | null;
  snapshotEvery: number; startStep: number; progressEvery: number; checkpointEvery: number; signal: AbortSignal | undefined;
}

function resolve(o: TrainOptions, n: number): Resolved {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with lr and steps', o);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError('options.lr', 'a positive finite learning rate', o.lr);
  const steps = checkInt('options.steps', o.steps, 1);
  const batch = Math.min(n, checkInt('options.batchSize', o.batchSize ?? n, 1));
  const isotropic = o.isotropicNoise ?? 0;
  if (typeof isotropic !== 'number' || !(isotropic >= 0) || !Number.isFinite(isotropic)) {
    throw new ArgumentError('options.isotropicNoise', 'a finite variance ≥ 0', isotropic);
  }
  const checkEvery = checkInt('options.checkEvery', o.checkEvery ?? 25, 1);
  const bound = o.divergenceBound ?? null;
  if (bound !== null && (typeof bound !== 'number' || !(bound > 0))) throw new ArgumentError('options.divergenceBound', 'a positive number', bound);
  return {
    lr: o.lr, steps, batch, isotropic, bound,
    checkEvery,
    checkpointEvery: checkInt('options.checkpointEvery', o.checkpointEvery ?? checkEvery, 0),
    dropout: o.dropout ?? true,
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
    lossEvery: checkInt('options.lossEvery', o.lossEvery ?? 1, 1),
    snapshotEvery: checkInt('options.snapshotEvery', o.snapshotEvery ?? 0, 0),
    startStep: checkInt('options.startStep', o.startStep ?? 0, 0, 0xffffffff - steps),
    progressEvery: checkInt('options.progressEvery', o.progressEvery ?? Math.max(1, Math.ceil(steps / 100)), 1),
    signal: checkSignal('options.signal', o.signal),
  };
}

export async function train(model: Mlp, data: DeviceDataset, options: TrainOptions): Promise<TrainResult> {
  const ws0 = model.prepare(data);
  const o = resolve(options, data.n);
  const k = model.kernels;
  const recorded = Math.ceil(o.steps / o.lossEvery);
  const snapCount = o.snapshotEvery > 0 ? Math.floor(o.steps / o.snapshotEvery) : 0;
  const losses = k.create(recorded);
  const scratchLoss = k.create(1);
  const snaps = snapCount > 0 ? k.create(snapCount * model.size) : null;
  const sampler = o.batch < data.n ? new BatchSampler(k, data, o.batch, o.seed) : null;
  sampler?.skip(o.startStep);
  const ws = sampler ? model.workspace(o.batch) : ws0;
  const lossSteps = new Int32Array(recorded);
  const snapshotSteps = new Int32Array(snapCount);
  const masked = o.dropout && model.keep < 1;
  const noise = o.isotropic > 0 ? k.create(model.size) : null;
  const noiseHost = noise ? new Float32Array(model.size) : null;
  let div = 1;
  let bound = o.bound;
  // The last completed state on the host (see checkpointEvery): losses and snapshots are copied
  // incrementally, θ whole.
  const lossHost = new Float32Array(recorded);
  const snapHost = snaps ? new Float32Array(snapCount * model.size) : null;
  // Steps completed and θ at the last checkpoint; the TrainCheckpoint is assembled only if needed.
  let saved: { done: number; params: Float32Array } | null = null;
  const takeCheckpoint = async (done: number): Promise<void> => {
    const from = saved ? saved.done : 0;
    const l0 = Math.ceil(from / o.lossEvery), l1 = Math.ceil(done / o.lossEvery);
    if (l1 > l0) lossHost.set((await k.read(losses, l0, l1 - l0)) as Float32Array, l0);
    const s0 = o.snapshotEvery ? Math.floor(from / o.snapshotEvery) : 0, s1 = o.snapshotEvery ? Math.floor(done / o.snapshotEvery) : 0;
    if (snaps && s1 > s0) snapHost!.set((await k.read(snaps, s0 * model.size, (s1 - s0) * model.size)) as Float32Array, s0 * model.size);
    saved = { done, params: (await k.read(model.params)) as Float32Array };
  };
  const checkpoint = (): TrainCheckpoint | null => {
    if (!saved) return null;
    const { done, params } = saved;
    const l1 = Math.ceil(done / o.lossEvery), s1 = o.snapshotEvery ? Math.floor(done / o.snapshotEvery) : 0;
    return {
      step: o.startStep + done, completed: done, params,
      losses: lossHost.slice(0, l1).map((v) => v / div), lossSteps: lossSteps.slice(0, l1),
      snapshots: snapHost ? snapHost.slice(0, s1 * model.size) : null, snapshotSteps: snapshotSteps.slice(0, s1),
    };
  };
  try {
    if (o.checkpointEvery > 0) await takeCheckpoint(0);
    for (let s = 0; s < o.steps; s++) {
      if (o.signal) await checkAbort(o.signal);
      const step = o.startStep + s;
      const batch: { x: Tensor; y: Tensor } = sampler ? sampler.next() : data;
      const record = s % o.lossEvery === 0;
      div = model.step(batch, ws, masked ? { seed: o.seed, step } : null, record ? losses : scratchLoss, record ? s / o.lossEvery : 0);
      if (record) lossSteps[s / o.lossEvery] = step;
      if (s === 0 || (s + 1) % o.checkEvery === 0) {
        // The loss of this step, before its update: one scalar read.
        const value = ((await k.read(record ? losses : scratchLoss, record ? s / o.lossEvery : 0, 1)) as Float32Array)[0]! / div;
        bound ??= Math.max(1e6, 1e6 * Math.abs(value));
        if (!Number.isFinite(value) || value > bound) throw new DivergenceError(step, value, bound);
      }
      k.axpy(-o.lr, ws.grad, model.params);
      if (noise) {
        k.write(noise, gaussians(model.size, o.seed, ISOTROPIC, step, noiseHost!));
        k.axpy(-o.lr * Math.sqrt(o.isotropic), noise, model.params);
      }
      if (snaps && (s + 1) % o.snapshotEvery === 0) {
        const j = (s + 1) / o.snapshotEvery - 1;
        k.copy(model.params, snaps, 0, j * model.size, model.size);
        snapshotSteps[j] = step + 1;
      }
      if (o.checkpointEvery > 0 && (s + 1) % o.checkpointEvery === 0 && s + 1 < o.steps) await takeCheckpoint(s + 1);
      if (options.onProgress && ((s + 1) % o.progressEvery === 0 || s + 1 === o.steps)) {
        await k.flush();
        options.onProgress(s + 1, o.steps);
      }
    }
    const raw = (await k.read(losses)) as Float32Array;
    for (let i = 0; i < raw.length; i++) raw[i]! /= div;
    // However short the run (the periodic check may never have come): every recorded loss, and θ
    // after the last update (a non-finite θ has a NaN loss).
    for (let i = 0; i < raw.length; i++) if (!(raw[i]! <= bound!)) throw new DivergenceError(lossSteps[i]!, raw[i]!, bound!);
    k.reduce('sumsq', model.params, null, scratchLoss, 0);
    const normSq = ((await k.read(scratchLoss)) as Float32Array)[0]!;
    if (!Number.isFinite(normSq)) throw new DivergenceError(o.startStep + o.steps, NaN, bound!);
    return {
      losses: raw, lossSteps,
      snapshots: snaps ? ((await k.read(snaps)) as Float32Array) : null,
      snapshotSteps, steps: o.steps,
    };
  } catch (err) {
    // A lost device: hand back what was completed (never garbage read after the loss).
    if (err instanceof DeviceLostError && !err.checkpoint) throw new DeviceLostError(err.reason, checkpoint());
    throw err;
  } finally {
    k.dispose(losses);
    k.dispose(scratchLoss);
    if (noise) k.dispose(noise);
    if (snaps) k.dispose(snaps);
    sampler?.dispose();
  }
}
