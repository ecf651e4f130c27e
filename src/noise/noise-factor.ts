/**
 * The low-rank noise factor of docs/math.md §3: from M mask samples g_j = ∇R_S^drop(θ; η_j),
 * G = [g_1 − ḡ, …, g_M − ḡ] / √(M − 1), so Σ ≈ G Gᵀ. On the device G is kept transposed
 * (M × D, one sample per row), which is also what the samplers multiply by.
 */
import type { Tensor } from '../backend/backend.js';
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { MaskGradientBatches, maskGradients, masksPerPass } from './mask-gradients.js';
import { checkSignal } from '../abort.js';

/** Options of `engine.noiseFactor` (docs/math.md §3). */
export interface NoiseFactorOptions {
  /** Mask samples M ≥ 2 (default 64). */
  samples?: number;
  /** Seed of the mask draws (default 0). */
  seed?: number;
  /** Mask j is the draw { seed, step: stepOffset + j } (default 0). */
  stepOffset?: number;
  /** Stops between batched passes once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Dropout's noise covariance in low-rank form, Σ ≈ factor · factorᵀ (docs/math.md §3). */
export interface NoiseFactor {
  /** ḡ, the mean of the M mask gradients (length D). */
  mean: Float32Array;
  /** D × M row-major, Σ ≈ factor · factorᵀ. */
  factor: Float32Array;
  /** M, the mask samples (the factor's columns). */
  samples: number;
}

/**
 * The M per-mask gradients into rows of `out` (M × D; a new tensor when omitted): one batched pass
 * for masks shared by the batch (reusing `batches` when given), a loop for per-sample masks.
 */
export function gradientSamples(
  model: Mlp, data: DeviceDataset, count: number, seed: number, stepOffset: number,
  out: Tensor = model.kernels.create(count * model.size), batches?: MaskGradientBatches,
): Tensor {
  const k = model.kernels, d = model.size;
  if (model.net.masksPerSample) {
    for (let j = 0; j < count; j++) k.copy(model.gradientTensor(data, { mask: { seed, step: stepOffset + j } }), out, 0, j * d, d);
  } else if (batches) {
    batches.run(seed, stepOffset, count, out);
  } else {
    maskGradients(model, data, out, { count, seed, stepOffset });
  }
  return out;
}

/** Centres the rows of g (M × D) and scales by 1/√(M−1); writes their mean into `mean` (D). */
export function centreRows(model: Mlp, g: Tensor, mean: Tensor, count: number): void {
  const k = model.kernels, d = model.size;
  const ones = k.create(count);
  k.fill(ones, 1);
  k.gemm(ones, g, mean, { m: 1, n: d, k: count, alpha: 1 / count });
  k.gemm(ones, mean, g, { m: count, n: d, k: 1, alpha: -1, beta: 1 });
  k.scale(1 / Math.sqrt(count - 1), g);
  k.dispose(ones);
}

export function resolveNoiseOptions(o: NoiseFactorOptions): Required<Omit<NoiseFactorOptions, 'signal'>> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object', o);
  return {
    samples: checkInt('options.samples', o.samples ?? 64, 2, 1 << 16),
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
    stepOffset: checkInt('options.stepOffset', o.stepOffset ?? 0, 0, 0xffffffff),
  };
}

export async function noiseFactor(model: Mlp, data: DeviceDataset, options: NoiseFactorOptions = {}): Promise<NoiseFactor> {
  const o = resolveNoiseOptions(options);
  const k = model.kernels, d = model.size, M = o.samples;
  if (o.stepOffset + M - 1 > 0xffffffff) throw new ArgumentError('options.stepOffset', `at most ${0xffffffff - M + 1} for ${M} samples`, o.stepOffset);
  const signal = checkSignal('options.signal', options.signal);
  let g: Tensor;
  if (signal && !model.net.masksPerSample) {
    // gradientSamples' batched passes (maskGradients), with a check between them.
    g = k.create(M * d);
    const batches = new MaskGradientBatches(model, data, Math.min(M, masksPerPass(model, data.n)));
    try {
      await batches.runChecked(o.seed, o.stepOffset, M, g, signal);
    } catch (e) {
      k.dispose(g);
      throw e;
    } finally {
      batches.dispose();
    }
  } else {
    g = gradientSamples(model, data, M, o.seed, o.stepOffset);
  }
  const mean = k.create(d);
  try {
    centreRows(model, g, mean, M);
    const rows = (await k.read(g)) as Float32Array;
    const factor = new Float32Array(d * M);
    for (let j = 0; j < M; j++) for (let i = 0; i < d; i++) factor[i * M + j] = rows[j * d + i]!;
    return { mean: (await k.read(mean)) as Float32Array, factor, samples: M };
  } finally {
    k.dispose(g);
    k.dispose(mean);
  }
}

/**
 * The M mask gradients back from a factor, as rows (M × D): g_j = ḡ + √(M − 1)·(column j of the
 * factor). For analyses that want the samples themselves (e.g. PCA of gradient samples).
 */
export function factorSamples(f: NoiseFactor): Float32Array {
  const m = f.samples, d = f.mean.length, c = Math.sqrt(m - 1);
  const g = new Float32Array(m * d);
  for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) g[j * d + i] = f.mean[i]! + c * f.factor[i * m + j]!;
  return g;
}
