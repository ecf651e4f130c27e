/**
 * Noise magnitudes matched to dropout's for the comparisons of docs/math.md §6. Dropout's total noise
 * variance is V = tr Σ_drop (from M mask gradients). Plain GD with isotropic noise gets variance
 * V/D per coordinate. For SGD with batches of b rows drawn without replacement,
 * tr Σ_SGD(b) = (n − b)/(b(n − 1))·T₁ with T₁ the per-sample gradient variance; T₁ is estimated
 * from K batches of b₀ rows (T₁ = tr Σ(b₀)·b₀(n − 1)/(n − b₀)), and b solves tr Σ_SGD(b) = V:
 * b = n·T₁ / (V(n − 1) + T₁), rounded and clamped to [1, n].
 */
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { noiseFactor } from '../noise/noise-factor.js';
import { BatchSampler } from '../train/batch-sampler.js';

/** Noise magnitudes matched to dropout's at θ (docs/math.md §6.5). */
export interface MatchedNoise {
  /** tr Σ_drop, dropout's total gradient-noise variance at θ. */
  dropoutVariance: number;
  /** V / D: the per-coordinate variance of the isotropic comparison (train's isotropicNoise). */
  isotropicVariance: number;
  /** T₁, the per-sample gradient variance, and the SGD batch size matching V. */
  perSampleVariance: number;
  sgdBatch: number;
}

export async function matchedNoise(
  model: Mlp, data: DeviceDataset, opts: { samples?: number; probeBatch?: number; batches?: number; seed?: number; signal?: AbortSignal } = {},
): Promise<MatchedNoise> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'an object', opts);
  const n = data.n, d = model.size, k = model.kernels;
  if (n < 2) throw new ArgumentError('data', 'at least 2 rows to compare with SGD', n);
  const m = checkInt('options.samples', opts.samples ?? 32, 2, 1 << 16);
  const b0 = checkInt('options.probeBatch', opts.probeBatch ?? Math.max(1, Math.min(100, Math.floor(n / 10))), 1, n - 1);
  const count = checkInt('options.batches', opts.batches ?? 50, 2, 1 << 20);
  const seed = checkInt('options.seed', opts.seed ?? 0, 0, 0xffffffff);
  const f = await noiseFactor(model, data, { samples: m, seed, ...(opts.signal ? { signal: opts.signal } : {}) });
  const V = f.factor.reduce((a, v) => a + v * v, 0);
  // ‖g_b − g‖² over `count` batches of b₀ rows.
  const full = k.create(d), diff = k.create(d), sq = k.create(count);
  const sampler = new BatchSampler(k, data, b0, seed);
  try {
    k.copy(model.gradientTensor(data, { mask: 'none' }), full);
    const ws = model.workspace(b0);
    for (let j = 0; j < count; j++) {
      model.step(sampler.next(), ws, null);
      k.copy(ws.grad, diff);
      k.axpy(-1, full, diff);
      k.reduce('sumsq', diff, null, sq, j);
    }
    const v = (await k.read(sq)) as Float32Array;
    const traceB0 = v.reduce((a, x) => a + x, 0) / count;
    const t1 = (traceB0 * b0 * (n - 1)) / (n - b0);
    const b = Math.min(n, Math.max(1, Math.round((n * t1) / (V * (n - 1) + t1))));
    return { dropoutVariance: V, isotropicVariance: V / d, perSampleVariance: t1, sgdBatch: b };
  } finally {
    sampler.dispose();
    for (const t of [full, diff, sq]) k.dispose(t);
  }
}
