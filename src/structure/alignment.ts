/**
 * Hessian–noise alignment (docs/math.md §6; Zhu et al.): α(H, Σ) = Tr(HΣ) / (‖H‖_F ‖Σ‖_F) with the
 * low-rank Σ = G Gᵀ, so Tr(HΣ) = Σ_j g_jᵀ H g_j (M HVPs) and ‖Σ‖_F = ‖GᵀG‖_F. ‖H‖_F is exact
 * (dense, small D), given, or estimated by Hutchinson on H²: E‖Hz‖² = ‖H‖_F² (Rademacher z).
 * The null model keeps Σ's spectrum μ (eigenvalues of GᵀG) and replaces its eigenvectors by a
 * random orthonormal set U: α₀ = Σ_i μ_i u_iᵀ H u_i / (‖H‖_F ‖Σ‖_F), whose mean over Haar-random U
 * is tr(H)·tr(Σ) / (D ‖H‖_F ‖Σ‖_F).
 */
import type { Tensor } from '../backend/backend.js';
import { checkF32Vector, checkInt, checkOptions, checkVector } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { checkAbort, checkSignal } from '../abort.js';
import { gram, symmetricEigen } from '../linalg/index.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { HessianOf, Mlp } from '../model/mlp.js';
import type { HessianOperator } from '../model/hessian-operator.js';
import { gaussians } from '../noise/gaussian.js';
import { streamTag } from '../random/streams.js';
import { rademacherProbe } from '../curvature/trace.js';

/** Options of `engine.alignment` (docs/math.md §6.6). */
export interface AlignmentOptions {
  of?: HessianOf;
  /** ‖H‖_F: a known value, 'dense' (exact, D ≤ a few thousand) or 'hutchinson' (default). */
  hessianNorm?: number | 'dense' | 'hutchinson';
  /** Hutchinson probes for ‖H‖_F² and tr(H) (default 50). */
  probes?: number;
  /** Random orthonormal bases drawn for the null model (default 10; 0 skips it). */
  nullSamples?: number;
  seed?: number;
  /** Stops between HVPs once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** α(H, Σ) = Tr(HΣ)/(‖H‖_F‖Σ‖_F), its parts, and its null model. */
export interface AlignmentResult {
  alpha: number;
  traceHSigma: number;
  normH: number;
  normSigma: number;
  traceSigma: number;
  /** tr(H) (exact with 'dense', else Hutchinson), for the null model's expected value. */
  traceH: number;
  null: { mean: number; sd: number; samples: Float64Array; expected: number };
}

/** Σ_j v_jᵀ H v_j over the rows of `rows` (count × D, device), each through one HVP. */
async function quadraticForms(model: Mlp, hessian: HessianOperator, rows: Tensor, count: number, out: Tensor, signal?: AbortSignal): Promise<void> {
  const k = model.kernels, d = model.size, v = k.create(d);
  try {
    for (let j = 0; j < count; j++) {
      if (signal) await checkAbort(signal);
      k.copy(rows, v, j * d, 0, d);
      k.reduce('dot', v, hessian.apply(v), out, j);
    }
  } finally {
    k.dispose(v);
  }
}

/** Gram–Schmidt (twice) of the rows of a count × d float64 matrix, in place. */
function orthonormalRows(u: Float64Array, count: number, d: number): void {
  for (let i = 0; i < count; i++) {
    const ri = u.subarray(i * d, (i + 1) * d);
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < i; j++) {
        const rj = u.subarray(j * d, (j + 1) * d);
        let dot = 0;
        for (let t = 0; t < d; t++) dot += ri[t]! * rj[t]!;
        for (let t = 0; t < d; t++) ri[t]! -= dot * rj[t]!;
      }
    }
    let n = 0;
    for (let t = 0; t < d; t++) n += ri[t]! * ri[t]!;
    const inv = 1 / Math.sqrt(n);
    for (let t = 0; t < d; t++) ri[t]! *= inv;
  }
}

/**
 * α(H, Σ) for Σ = factor·factorᵀ, factor D × M row-major (as engine.noiseFactor returns it).
 */
export async function alignment(model: Mlp, data: DeviceDataset, factor: Float32Array, m: number, options: AlignmentOptions = {}): Promise<AlignmentResult> {
  const d = model.size, k = model.kernels;
  model.prepare(data);
  checkOptions('options', options);
  checkInt('m', m, 1, 1 << 16);
  checkF32Vector('factor', factor, d * m);
  const of = options.of ?? 'loss';
  const nullSamples = checkInt('options.nullSamples', options.nullSamples ?? 10, 0, 10000);
  const probes = checkInt('options.probes', options.probes ?? 50, 2, 1 << 20);
  const seed = checkInt('options.seed', options.seed ?? 0, 0, 0xffffffff);
  const signal = checkSignal('options.signal', options.signal);
  const hn = options.hessianNorm ?? 'hutchinson';
  if (!(typeof hn === 'number' ? hn > 0 && Number.isFinite(hn) : hn === 'dense' || hn === 'hutchinson')) {
    throw new ArgumentError('options.hessianNorm', "a positive number, 'dense' or 'hutchinson'", hn);
  }
  // Rows g_j (M × D) of Gᵀ, in float64 for the Gram matrix and on the device for the HVPs.
  const rows64 = new Float64Array(m * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < m; j++) rows64[j * d + i] = factor[i * m + j]!;
  const rows = k.fromArray(Float32Array.from(rows64));
  const forms = k.create(Math.max(m, probes));
  // Every HVP here is at the model's θ now: one operator runs the forward pass once for all of them.
  let op: HessianOperator | null = null;
  try {
    const hessian = (op = model.hessianOperator(data, { of }));
    const gg = await gram(rows64, m, d);
    let normSigma2 = 0, traceSigma = 0;
    for (let i = 0; i < m * m; i++) normSigma2 += gg[i]! ** 2;
    for (let i = 0; i < m; i++) traceSigma += gg[i * m + i]!;
    const normSigma = Math.sqrt(normSigma2);
    await quadraticForms(model, hessian, rows, m, forms, signal);
    const traceHSigma = Array.from((await k.read(forms, 0, m)) as Float32Array).reduce((a, b) => a + b, 0);

    let normH: number, traceH: number;
    if (hn === 'dense') {
      const { denseHessian } = await import('../curvature/dense.js');
      const h = await denseHessian(k, d, (v) => hessian.apply(v));
      normH = Math.sqrt(h.reduce((a, b) => a + b * b, 0));
      traceH = 0;
      for (let i = 0; i < d; i++) traceH += h[i * d + i]!;
    } else {
      // Hutchinson: zᵀHz → tr(H) and ‖Hz‖² → ‖H‖_F², same probes.
      const z = k.create(d), ones = k.create(d), sq = k.create(probes);
      try {
        k.fill(ones, 1);
        for (let p = 0; p < probes; p++) {
          if (signal) await checkAbort(signal);
          rademacherProbe(k, z, ones, d, seed, p);
          const hz = hessian.apply(z);
          k.reduce('dot', z, hz, forms, p);
          k.reduce('sumsq', hz, null, sq, p);
        }
        const tr = (await k.read(forms, 0, probes)) as Float32Array, fr = (await k.read(sq)) as Float32Array;
        traceH = tr.reduce((a, b) => a + b, 0) / probes;
        normH = typeof hn === 'number' ? hn : Math.sqrt(fr.reduce((a, b) => a + b, 0) / probes);
      } finally {
        for (const t of [z, ones, sq]) k.dispose(t);
      }
    }
    const alpha = traceHSigma / (normH * normSigma);

    // Null model: Σ's spectrum μ (eigenvalues of GᵀG) on random orthonormal directions.
    const mu = (await symmetricEigen(gg, m, { vectors: false, symmetrize: true })).values;
    const samples = new Float64Array(nullSamples);
    const u = new Float64Array(m * d);
    for (let q = 0; q < nullSamples; q++) {
      for (let j = 0; j < m; j++) u.set(gaussians(d, seed, streamTag('nullDirections', q), j), j * d);
      orthonormalRows(u, m, d);
      k.write(rows, Float32Array.from(u));
      await quadraticForms(model, hessian, rows, m, forms, signal);
      const f = (await k.read(forms, 0, m)) as Float32Array;
      // Eigenvalue order does not matter for a Haar-random basis.
      let t = 0;
      for (let j = 0; j < m; j++) t += mu[j]! * f[j]!;
      samples[q] = t / (normH * normSigma);
    }
    const mean = nullSamples ? samples.reduce((a, b) => a + b, 0) / nullSamples : NaN;
    const sd = nullSamples > 1 ? Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (nullSamples - 1)) : NaN;
    return {
      alpha, traceHSigma, normH, normSigma, traceSigma, traceH,
      null: { mean, sd, samples, expected: (traceH * traceSigma) / (d * normH * normSigma) },
    };
  } finally {
    op?.dispose();
    k.dispose(rows);
    k.dispose(forms);
  }
}

/** Variance of the centred samples (S × D) along each of k unit vectors (k × D): uᵀ C u. */
export function projectedVariance(samples: ArrayLike<number>, s: number, d: number, vectors: ArrayLike<number>, k: number): Float64Array {
  checkInt('s', s, 2);
  checkInt('d', d, 1);
  checkInt('k', k, 1);
  checkVector('samples', samples, s * d);
  checkVector('vectors', vectors, k * d, true);
  const mean = new Float64Array(d);
  for (let i = 0; i < s; i++) for (let j = 0; j < d; j++) mean[j]! += samples[i * d + j]! / s;
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    let acc = 0;
    for (let i = 0; i < s; i++) {
      let p = 0;
      for (let j = 0; j < d; j++) p += (samples[i * d + j]! - mean[j]!) * vectors[c * d + j]!;
      acc += p * p;
    }
    out[c] = acc / (s - 1);
  }
  return out;
}

/**
 * The noise variance u_jᵀ Σ u_j = ‖Gᵀu_j‖² along each of k unit vectors (k × D), for Σ = G Gᵀ with
 * G = factor (D × M, row-major, as noiseFactor returns it): projectedVariance's twin for a factor.
 */
export function factorProjectedVariance(factor: Float32Array, m: number, vectors: Float32Array, k: number, d: number): number[] {
  const out: number[] = [];
  const proj = new Float64Array(m);
  for (let j = 0; j < k; j++) {
    proj.fill(0);
    for (let i = 0; i < d; i++) {
      const u = vectors[j * d + i]!;
      if (u !== 0) for (let c = 0; c < m; c++) proj[c]! += u * factor[i * m + c]!;
    }
    out.push(proj.reduce((s, v) => s + v * v, 0));
  }
  return out;
}
