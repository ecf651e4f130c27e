/**
 * A trajectory window measured against its linear-response prediction (docs/math.md §6). From S samples
 * of θ (the window) and the state θ₀ the window started from, in a basis P of K unit directions
 * (the window's PCA directions, or the top-K eigenvectors of H at θ̄):
 *   measured:   the samples' variance along each direction, and its interval flatness around θ̄;
 *   H_K = PᵀHP  (K HVPs at θ̄, H the Hessian of L_S by default),
 *   Σ_K = PᵀΣP and g_K = Pᵀḡ (a noise factor of M mask gradients at θ̄; ḡ estimates ∇L_S(θ̄),
 *               and its error Σ_K/M is taken out of the drift term), δ₀ = P(θ₀ − θ̄);
 *   predicted:  the stationary covariance (or the eigenvalues that rule it out) and the window's
 *               expected sample covariance (linear-response.ts), their variances along P and the
 *               ψ fitted with the measured flatness.
 * The model is back at its θ when the call returns.
 */
import { checkInt, checkOptions, checkPositive, checkVector } from '../backend/validate.js';
import { lanczosEigen } from '../curvature/eigen.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { HessianOf, Mlp } from '../model/mlp.js';
import type { HessianOperator } from '../model/hessian-operator.js';
import { noiseFactor } from '../noise/noise-factor.js';
import { projectedVariance } from './alignment.js';
import { intervalFlatness, type FlatnessOptions } from './flatness.js';
import { basisVariances, linearResponse } from './linear-response.js';
import { pca } from './pca.js';
import { fitLine, spearman } from './stats.js';
import { fitPsi, type VarianceFlatnessResult } from './variance-flatness.js';

export type PredictionBasis = 'pca' | 'hessian';
export const PREDICTION_BASES: readonly PredictionBasis[] = ['pca', 'hessian'];

/** Seed offsets, so the noise factor's masks and the HVPs' masks are not the window's. */
const NOISE_SEED = 0x5e1f;
const HVP_SEED = 0x4e55;

export interface WindowPredictionOptions extends Pick<FlatnessOptions, 'c' | 'of' | 'onProgress'> {
  /** Learning rate ε of the window's dropout GD. */
  lr: number;
  /** θ₀, the state the window started from (before its settle steps). */
  start: ArrayLike<number>;
  /** The window's schedule: settle steps (compareNoise's burnIn) and the spacing s of its samples. */
  settle: number;
  every: number;
  /** The basis P (default 'pca'). */
  basis?: PredictionBasis;
  /** Directions K (default min(S − 1, 20)). */
  k?: number;
  /** The measured flatness along the basis (K values, Infinity for unbounded); measured here when absent. */
  flatness?: ArrayLike<number>;
  /** Mask gradients M of the noise factor at θ̄ (default 64). */
  noiseSamples?: number;
  /** Which Hessian (default 'modified', L_S) and its Monte Carlo mask draws where L_S has no closed form (default 16). */
  hessianOf?: HessianOf;
  hvpSamples?: number;
  bootstrap?: number;
  seed?: number;
}

/** A ψ fit: ψ, its 95 % interval, Spearman's ρ of (F, σ²) and the directions used. */
export type PsiFit = Pick<VarianceFlatnessResult, 'psi' | 'interval' | 'spearman' | 'used'>;

export interface WindowPrediction {
  basis: PredictionBasis;
  k: number;
  /** K × D, row i the unit direction p_i. */
  directions: Float64Array;
  /** Flatness F_i along p_i (the measurement's). */
  flatness: Float64Array;
  /** The samples' variance along p_i, and its ψ fit. */
  measured: Float64Array;
  measuredFit: PsiFit;
  /** H_K, Σ_K (K × K), g_K and δ₀ (K), and H_K's eigenvalues (ascending). */
  curvature: Float64Array;
  noise: Float64Array;
  gradient: Float64Array;
  start: Float64Array;
  eigenvalues: Float64Array;
  /** H_K's eigenvalues outside (0, 2/ε): the stationary prediction is null when any. */
  unstable: number[];
  /** Predicted variances along p_i: the window's expected sample variance, and the stationary one. */
  window: Float64Array;
  windowFit: PsiFit;
  stationary: Float64Array | null;
  stationaryFit: PsiFit | null;
  /** Predicted against measured variance across directions: median of window/measured and Spearman's ρ. */
  agreement: { medianRatio: number; spearman: number };
  /**
   * How the noise scales with curvature along the basis: the slope β of log p_iᵀΣp_i on log p_iᵀHp_i
   * (directions where both are positive) with its bootstrap 95 % interval. Stationary variances
   * ε p_iᵀΣp_i/(2 p_iᵀHp_i) fall with curvature when β < 1.
   */
  noiseScaling: { exponent: number; interval: [number, number]; used: number };
}

function median(xs: number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b), h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** Median ratio and Spearman's ρ of predicted against measured, over directions where both are positive. */
export function varianceAgreement(predicted: ArrayLike<number>, measured: ArrayLike<number>): { medianRatio: number; spearman: number } {
  const use = Array.from({ length: measured.length }, (_, i) => i).filter((i) => predicted[i]! > 0 && measured[i]! > 0 && Number.isFinite(predicted[i]!));
  return {
    medianRatio: median(use.map((i) => predicted[i]! / measured[i]!)),
    spearman: use.length >= 2 ? spearman(use.map((i) => predicted[i]!), use.map((i) => measured[i]!)) : NaN,
  };
}

/** fitPsi over all K directions; NaN (no fit) where fewer than 2 have finite F and positive σ². */
function fitAll(flatness: Float64Array, variances: Float64Array, bootstrap: number, seed: number): PsiFit {
  const all = Array.from({ length: variances.length }, (_, i) => i);
  const usable = all.filter((i) => Number.isFinite(flatness[i]!) && variances[i]! > 0 && Number.isFinite(variances[i]!));
  if (usable.length < 2) return { psi: NaN, interval: [NaN, NaN], spearman: NaN, used: usable.length };
  return fitPsi(flatness, variances, usable, bootstrap, seed);
}

/** β of log (p_iᵀΣp_i) = β log (p_iᵀHp_i) + b over the directions where both are positive. */
export function noiseScaling(curvature: ArrayLike<number>, noise: ArrayLike<number>, k: number, bootstrap = 1000, seed = 0): WindowPrediction['noiseScaling'] {
  const use = Array.from({ length: k }, (_, i) => i).filter((i) => curvature[i * k + i]! > 0 && noise[i * k + i]! > 0);
  if (use.length < 2) return { exponent: NaN, interval: [NaN, NaN], used: use.length };
  const f = fitLine(use.map((i) => Math.log(curvature[i * k + i]!)), use.map((i) => Math.log(noise[i * k + i]!)), bootstrap, seed);
  return { exponent: f.slope, interval: f.interval, used: use.length };
}

/** P·v for the K × D rows of P. */
function project(p: Float64Array, k: number, v: ArrayLike<number>, d: number): Float64Array {
  const out = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += p[i * d + j]! * v[j]!;
    out[i] = s;
  }
  return out;
}

export async function predictWindow(
  model: Mlp, data: DeviceDataset, samples: Float32Array, count: number, options: WindowPredictionOptions,
): Promise<WindowPrediction> {
  const d = model.size;
  model.prepare(data);
  const o = checkOptions('options', options, 'an object with lr, start, settle and every');
  checkInt('count', count, 3);
  if (!(samples instanceof Float32Array)) throw new ArgumentError('samples', 'a Float32Array of count × D values', samples);
  checkVector('samples', samples, count * d);
  const lr = checkPositive('options.lr', o.lr);
  const start = checkVector('options.start', o.start, d);
  const settle = checkInt('options.settle', o.settle, 0, 1e9);
  const every = checkInt('options.every', o.every, 1, 1e9);
  const basis = o.basis ?? 'pca';
  if (!PREDICTION_BASES.includes(basis)) throw new ArgumentError('options.basis', "'pca' or 'hessian'", basis);
  const k = checkInt('options.k', o.k ?? Math.min(count - 1, 20), 1, count - 1);
  const m = checkInt('options.noiseSamples', o.noiseSamples ?? 64, 2, 1 << 16);
  const hvpSamples = checkInt('options.hvpSamples', o.hvpSamples ?? 16, 1, 1 << 16);
  const bootstrap = checkInt('options.bootstrap', o.bootstrap ?? 1000, 0, 1 << 20);
  const seed = checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff);
  const hessianOf = o.hessianOf ?? 'modified';
  if (o.flatness !== undefined) {
    const f = o.flatness as ArrayLike<number>;
    if ((!ArrayBuffer.isView(f) && !Array.isArray(f)) || f.length !== k || Array.from(f).some((x) => typeof x !== 'number' || Number.isNaN(x) || x <= 0)) {
      throw new ArgumentError('options.flatness', `${k} positive flatness values (Infinity for unbounded)`, f);
    }
  }
  const hvpOpts = { of: hessianOf, samples: hvpSamples, seed: (seed + HVP_SEED) >>> 0 };
  const theta = await model.getParams();
  // Steps for the progress callback: the basis, the flatness, the noise factor, the K HVPs.
  const total = 3 + k;
  const report = (done: number) => o.onProgress?.(done, total);
  let op: HessianOperator | null = null;
  try {
    const p = await pca(samples, count, d, k);
    const centre = p.mean;
    model.setParams(Float32Array.from(centre));
    // The Hessian basis and the curvature below are both at the centre: one operator (its own copy
    // of θ) serves both, though flatness moves θ in between.
    const hessian = (op = model.hessianOperator(data, hvpOpts));
    let directions: Float64Array, measured: Float64Array;
    if (basis === 'pca') {
      directions = p.components;
      measured = p.variances;
    } else {
      const eig = await lanczosEigen(model.kernels, d, (v) => hessian.apply(v), { k, which: 'LA', seed });
      directions = Float64Array.from(eig.vectors);
      measured = projectedVariance(samples, count, d, directions, k);
    }
    report(1);
    const flat = o.flatness !== undefined
      ? Float64Array.from(o.flatness)
      : (await intervalFlatness(model, data, centre, directions, k, { ...(o.c === undefined ? {} : { c: o.c }), ...(o.of === undefined ? {} : { of: o.of }) })).flatness;
    report(2);
    model.setParams(Float32Array.from(centre));
    const f = await noiseFactor(model, data, { samples: m, seed: (seed + NOISE_SEED) >>> 0 });
    // Σ_K = (P G)(P G)ᵀ with G the D × M factor; g_K = P ḡ, whose estimate has covariance Σ_K/M.
    const pg = new Float64Array(k * m);
    for (let i = 0; i < k; i++) for (let j = 0; j < d; j++) {
      const pij = directions[i * d + j]!;
      if (pij !== 0) for (let c = 0; c < m; c++) pg[i * m + c]! += pij * f.factor[j * m + c]!;
    }
    const noise = new Float64Array(k * k);
    for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) {
      let s = 0;
      for (let c = 0; c < m; c++) s += pg[a * m + c]! * pg[b * m + c]!;
      noise[a * k + b] = s;
    }
    const gradient = project(directions, k, f.mean, d);
    report(3);
    const curvature = new Float64Array(k * k);
    const dir = model.kernels.create(d);
    try {
      for (let i = 0; i < k; i++) {
        model.kernels.write(dir, Float32Array.from(directions.subarray(i * d, (i + 1) * d)));
        const hv = (await model.kernels.read(hessian.apply(dir))) as Float32Array;
        curvature.set(project(directions, k, hv, d), i * k);
        report(4 + i);
      }
    } finally {
      model.kernels.dispose(dir);
    }
    const delta0 = new Float64Array(d);
    for (let j = 0; j < d; j++) delta0[j] = start[j]! - centre[j]!;
    const startK = project(directions, k, delta0, d);
    const lin = await linearResponse(
      { k, lr, curvature, noise, gradient, gradientCovariance: noise.map((v) => v / m) },
      startK, { settle, samples: count, every },
    );
    const window = basisVariances(lin.window.covariance, k);
    const stationary = lin.covariance ? basisVariances(lin.covariance, k) : null;
    return {
      basis, k, directions, flatness: flat, measured, measuredFit: fitAll(flat, measured, bootstrap, seed),
      curvature, noise, gradient, start: startK, eigenvalues: lin.eigenvalues, unstable: lin.unstable,
      window, windowFit: fitAll(flat, window, bootstrap, seed),
      stationary, stationaryFit: stationary ? fitAll(flat, stationary, bootstrap, seed) : null,
      agreement: varianceAgreement(window, measured),
      noiseScaling: noiseScaling(curvature, noise, k, bootstrap, seed),
    };
  } finally {
    op?.dispose();
    model.setParams(theta);
  }
}
