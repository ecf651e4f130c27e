/**
 * α(H, Σ) tracked over training (docs/math.md §6): dropout training in segments; at each checkpoint the
 * noise factor (M mask gradients) and the alignment with its null model are measured at the
 * current θ. Training resumes with the same mask stream (startStep), so the run is the one an
 * uninterrupted train() would give.
 */
import { checkInt, checkPositive } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { checkAbort, checkSignal } from '../abort.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { noiseFactor } from '../noise/noise-factor.js';
import { train } from '../train/train.js';
import { alignment, type AlignmentOptions } from './alignment.js';

/** Options of `engine.alignmentOverTraining` (docs/math.md §6.6). */
export interface AlignmentTrackOptions extends AlignmentOptions {
  lr: number;
  steps: number;
  /** Measure every this many steps (and at step 0). */
  every: number;
  /** Mask samples M of each noise factor (default 32). */
  samples?: number;
  batchSize?: number;
  onProgress?: (done: number, total: number) => void;
}

/** α and its null model at each measured step of a training run. */
export interface AlignmentTrack {
  steps: Int32Array;
  alpha: Float64Array;
  nullMean: Float64Array;
  nullSd: Float64Array;
  loss: Float64Array;
}

/**
 * The seed of the track's noise-factor mask draws (M per checkpoint, checkpoint i at step offset
 * i·M), apart from the training masks' seed; a caller continuing the track's factor stream past its
 * last checkpoint draws from the same seed.
 */
export function trackFactorSeed(seed: number): number {
  return (seed + 0x5ca1e) >>> 0;
}

export async function alignmentOverTraining(model: Mlp, data: DeviceDataset, o: AlignmentTrackOptions): Promise<AlignmentTrack> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with lr, steps and every', o);
  model.prepare(data);
  checkPositive('options.lr', o.lr);
  const steps = checkInt('options.steps', o.steps, 1);
  const every = checkInt('options.every', o.every, 1, steps);
  const m = checkInt('options.samples', o.samples ?? 32, 2, 1 << 16);
  const seed = checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff);
  const signal = checkSignal('options.signal', o.signal);
  const points = Math.floor(steps / every) + 1;
  const out: AlignmentTrack = {
    steps: new Int32Array(points), alpha: new Float64Array(points), nullMean: new Float64Array(points),
    nullSd: new Float64Array(points), loss: new Float64Array(points),
  };
  for (let i = 0; i < points; i++) {
    const step = i * every;
    if (signal) await checkAbort(signal);
    if (i > 0) {
      await train(model, data, {
        lr: o.lr, steps: every, seed, startStep: step - every, lossEvery: every, signal,
        ...(o.batchSize ? { batchSize: o.batchSize } : {}),
      });
    }
    // Mask draws for the factor come from their own step range (past any training step).
    const f = await noiseFactor(model, data, { samples: m, seed: trackFactorSeed(seed), stepOffset: i * m, ...(signal ? { signal } : {}) });
    const a = await alignment(model, data, f.factor, m, o);
    out.steps[i] = step;
    out.alpha[i] = a.alpha;
    out.nullMean[i] = a.null.mean;
    out.nullSd[i] = a.null.sd;
    out.loss[i] = await model.loss(data);
    o.onProgress?.(i + 1, points);
  }
  return out;
}
