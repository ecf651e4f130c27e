/**
 * The comparisons of docs/math.md §6 through one API: from the model's current θ₀ (typically trained),
 * each method runs `burnIn` steps, then records S trajectory samples every s steps, and the
 * variance–flatness analysis runs on each set with the same K directions and threshold c:
 *   dropout:   dropout GD, full batch (the model's keep probability);
 *   sgd:       SGD without dropout, same ε, batch from matchedNoise (tr Σ_SGD ≈ tr Σ_drop);
 *   isotropic: GD plus isotropic Gaussian noise of variance tr Σ_drop / D per coordinate;
 *   gd:        plain GD.
 * The matched magnitudes are measured once at θ₀. Optionally the top Hessian eigenpairs at θ₀
 * give each method's projected variance u_jᵀ C u_j and its Spearman ρ against λ_j.
 * The model is back at θ₀ when the call returns.
 */
import { checkSignal } from '../abort.js';
import { checkInt } from '../backend/validate.js';
import { lanczosEigen } from '../curvature/eigen.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { HessianOf, Mlp } from '../model/mlp.js';
import { train } from '../train/train.js';
import { projectedVariance } from './alignment.js';
import type { FlatnessResult } from './flatness.js';
import { matchedNoise, type MatchedNoise } from './matched-noise.js';
import { spearman } from './stats.js';
import { varianceFlatness, type VarianceFlatnessResult } from './variance-flatness.js';

/** The noises compared (docs/math.md §6.5): dropout GD, SGD, GD with isotropic noise, plain GD. */
export type NoiseMethod = 'dropout' | 'sgd' | 'isotropic' | 'gd';
/** Every {@link NoiseMethod}. */
export const NOISE_METHODS: readonly NoiseMethod[] = ['dropout', 'sgd', 'isotropic', 'gd'];

/** Seed offset of the burn-in phase, so its masks, noise and batch order are not the sampling phase's. */
const BURN_IN_SEED = 0xb1;
/** Seed offset of the matched-noise measurement. */
const MATCH_SEED = 0x3a7c;

/** Options of `engine.compareNoise` (docs/math.md §6.5). */
export interface CompareNoiseOptions {
  /** Learning rate ε, the same for every method. */
  lr: number;
  /** Steps run from θ₀ before sampling (default 100). */
  burnIn?: number;
  /** Trajectory samples S per method (default 40) and the spacing s in steps (default 4). */
  samples?: number;
  every?: number;
  /** PCA directions K for every method (default min(S − 1, 20)). */
  k?: number;
  /** Flatness threshold c > 1 (default 2) and the loss it is measured on (default R_S). */
  c?: number;
  of?: 'loss' | 'modified';
  /** Bootstrap resamples of ψ (default 1000). */
  bootstrap?: number;
  seed?: number;
  /** Which methods, in this order (default all four). */
  methods?: NoiseMethod[];
  /** Settings of the matched-noise measurement at θ₀ (see engine.matchedNoise; seed default derived from seed). */
  matching?: { samples?: number; probeBatch?: number; batches?: number; seed?: number };
  /** Top Hessian eigenpairs at θ₀ for the projected variance (0 = skip, the default). */
  hessianK?: number;
  hessianOf?: HessianOf;
  /** Return each method's S × D samples and the state its sampling started from (default false: they are large). */
  keepSamples?: boolean;
  onProgress?: (done: number, total: number, method: NoiseMethod) => void;
  /** Stops between steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** One method's samples analysed: the variance–flatness result (σ², F, ψ, interval, ρ, used) and more. */
export interface NoiseMethodResult extends VarianceFlatnessResult {
  method: NoiseMethod;
  /** The training settings this method ran with. */
  settings: { lr: number; dropout: boolean; batchSize: number; isotropicNoise: number };
  /** tr C, the samples' total variance. */
  totalVariance: number;
  /**
   * Stationarity: ‖θ̄_second half − θ̄_first half‖ / √tr C. About 2/√S for independent
   * stationary samples, √3 for samples on a straight line (pure drift).
   */
  drift: number;
  /** The training objective on each sampling step's batch, and L(θ̄) (the flatness loss) at the samples' mean. */
  losses: Float32Array;
  meanLoss: number;
  /** Projected variance along the Hessian eigenvectors and its Spearman ρ against λ (hessianK > 0). */
  projected: Float64Array | null;
  projectedSpearman: number;
  samples: Float32Array | null;
  /** θ after the burn-in, where the samples' schedule starts (with keepSamples). */
  start: Float32Array | null;
}

/** What `engine.compareNoise` returns: the matched magnitudes and one result per method. */
export interface CompareNoiseResult {
  matched: MatchedNoise;
  k: number;
  samples: number;
  every: number;
  burnIn: number;
  /** Hessian eigenvalues at θ₀ (descending), when hessianK > 0. */
  hessianValues: Float64Array | null;
  methods: NoiseMethodResult[];
}

interface Resolved {
  lr: number; burnIn: number; samples: number; every: number; k: number; c: number; of: 'loss' | 'modified';
  bootstrap: number; seed: number; methods: NoiseMethod[]; hessianK: number; hessianOf: HessianOf;
}

function resolve(o: CompareNoiseOptions, d: number): Resolved {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with lr', o);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError('options.lr', 'a positive finite learning rate', o.lr);
  const samples = checkInt('options.samples', o.samples ?? 40, 3, 1 << 16);
  const k = checkInt('options.k', o.k ?? Math.min(samples - 1, 20), 2, samples - 1);
  const c = o.c ?? 2;
  if (typeof c !== 'number' || !(c > 1) || !Number.isFinite(c)) throw new ArgumentError('options.c', 'a finite number > 1', c);
  const of = o.of ?? 'loss';
  if (of !== 'loss' && of !== 'modified') throw new ArgumentError('options.of', "'loss' or 'modified'", of);
  const methods = o.methods ?? [...NOISE_METHODS];
  if (!Array.isArray(methods) || methods.length === 0 || methods.some((m) => !NOISE_METHODS.includes(m)) || new Set(methods).size !== methods.length) {
    throw new ArgumentError('options.methods', `a non-empty list of distinct methods from ${NOISE_METHODS.join(', ')}`, methods);
  }
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new ArgumentError('options.onProgress', 'a function', o.onProgress);
  if (o.matching !== undefined && (o.matching === null || typeof o.matching !== 'object')) throw new ArgumentError('options.matching', 'an object', o.matching);
  const hessianOf = o.hessianOf ?? 'loss';
  if (hessianOf !== 'loss' && hessianOf !== 'modified' && (hessianOf === null || typeof hessianOf !== 'object')) {
    throw new ArgumentError('options.hessianOf', "'loss', 'modified' or a fixed mask { seed, step }", hessianOf);
  }
  return {
    lr: o.lr, samples, k, c, of, methods, hessianOf,
    burnIn: checkInt('options.burnIn', o.burnIn ?? 100, 0),
    every: checkInt('options.every', o.every ?? 4, 1),
    bootstrap: checkInt('options.bootstrap', o.bootstrap ?? 1000, 1, 1 << 20),
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
    hessianK: checkInt('options.hessianK', o.hessianK ?? 0, 0, Math.min(d, 1000)),
  };
}

/** tr C and the half-to-half drift ratio of S samples (S × D). */
function stationarity(x: Float32Array, s: number, d: number): { totalVariance: number; drift: number } {
  const h = Math.floor(s / 2);
  let trace = 0, gap = 0;
  for (let j = 0; j < d; j++) {
    let m = 0, m1 = 0, m2 = 0;
    for (let i = 0; i < s; i++) {
      const v = x[i * d + j]!;
      m += v;
      if (i < h) m1 += v;
      else if (i >= s - h) m2 += v;
    }
    m /= s;
    let q = 0;
    for (let i = 0; i < s; i++) q += (x[i * d + j]! - m) ** 2;
    trace += q / (s - 1);
    gap += (m2 / h - m1 / h) ** 2;
  }
  return { totalVariance: trace, drift: trace > 0 ? Math.sqrt(gap / trace) : 0 };
}

export async function compareNoise(model: Mlp, data: DeviceDataset, options: CompareNoiseOptions): Promise<CompareNoiseResult> {
  const d = model.size;
  const o = resolve(options, d);
  const signal = checkSignal('options.signal', options.signal);
  model.prepare(data);
  const theta0 = await model.getParams();
  const matched = await matchedNoise(model, data, { seed: (o.seed + MATCH_SEED) >>> 0, ...(options.matching ?? {}), ...(signal ? { signal } : {}) });
  const k = model.kernels;

  let hessian: { values: Float64Array; vectors: Float32Array } | null = null;
  if (o.hessianK > 0) {
    const op = model.hessianOperator(data, { of: o.hessianOf });
    try {
      const eig = await lanczosEigen(k, d, (v) => op.apply(v), { k: o.hessianK, which: 'LA', seed: o.seed, signal });
      hessian = { values: eig.values, vectors: eig.vectors };
    } finally {
      op.dispose();
    }
  }

  const perMethod = o.burnIn + o.samples * o.every + o.k;
  const total = perMethod * o.methods.length;
  const results: NoiseMethodResult[] = [];
  try {
    for (const [mi, method] of o.methods.entries()) {
      const settings = {
        lr: o.lr,
        dropout: method === 'dropout',
        batchSize: method === 'sgd' ? matched.sgdBatch : data.n,
        isotropicNoise: method === 'isotropic' ? matched.isotropicVariance : 0,
      };
      const base = mi * perMethod;
      const report = (done: number) => options.onProgress?.(base + done, total, method);
      model.setParams(theta0);
      const run = { lr: o.lr, dropout: settings.dropout, batchSize: settings.batchSize, isotropicNoise: settings.isotropicNoise, signal };
      if (o.burnIn > 0) {
        await train(model, data, {
          ...run, steps: o.burnIn, seed: (o.seed + BURN_IN_SEED) >>> 0, lossEvery: o.burnIn,
          onProgress: (done) => report(done),
        });
      }
      const start = options.keepSamples ? await model.getParams() : null;
      const rec = await train(model, data, {
        ...run, steps: o.samples * o.every, seed: o.seed, startStep: o.burnIn, snapshotEvery: o.every,
        onProgress: (done) => report(o.burnIn + done),
      });
      const x = rec.snapshots!;
      const vf = await varianceFlatness(model, data, x, o.samples, {
        k: o.k, c: o.c, of: o.of, bootstrap: o.bootstrap, seed: o.seed, signal,
        onProgress: (done) => report(o.burnIn + o.samples * o.every + done),
      });
      const st = stationarity(x, o.samples, d);
      const projected = hessian ? projectedVariance(x, o.samples, d, hessian.vectors, o.hessianK) : null;
      results.push({
        method, settings,
        variances: vf.variances, flatness: vf.flatness, psi: vf.psi, interval: vf.interval, spearman: vf.spearman, used: vf.used,
        totalVariance: st.totalVariance, drift: st.drift,
        losses: rec.losses, meanLoss: vf.flatness.base,
        projected, projectedSpearman: projected && hessian && o.hessianK > 1 ? spearman(hessian.values, projected) : NaN,
        samples: options.keepSamples ? x : null, start,
      });
    }
  } finally {
    model.setParams(theta0);
  }
  return {
    matched, k: o.k, samples: o.samples, every: o.every, burnIn: o.burnIn,
    hessianValues: hessian ? hessian.values : null, methods: results,
  };
}
