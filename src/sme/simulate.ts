/**
 * Paths of dropout GD, of its SME (order 1 and 2, Euler–Maruyama), and of the deterministic
 * baselines, all through one API (SPEC §4). From the model's current θ, each path runs to time
 * T = steps·ε, recording R_S(θ) and ‖θ‖² every `recordEvery` learning-rate steps. Paths run one
 * after another on the device (each is a chain of device kernels; only the recorded values are
 * read back, once, at the end); the model's parameters are restored afterwards.
 *
 * SME step (h = ε/substeps):  Θ ← Θ − h·b(Θ) + √(ε h)·ζ,  ζ with covariance Σ(Θ) (samplers.ts),
 *   order 1: b = ∇L_S;   order 2: b = ∇L_S + (ε/2)·H_{L_S}∇L_S  (one HVP).
 */
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { counterHash } from '../random/counter-hash.js';
import { frozenFactorSampler, maskPairSampler, type NoiseKind, type NoiseSampler } from './samplers.js';

export type PathMethod = 'dropout-gd' | 'gd-modified' | 'gd' | 'sme1' | 'sme2';
export const PATH_METHODS: readonly PathMethod[] = ['dropout-gd', 'gd-modified', 'gd', 'sme1', 'sme2'];

export interface SimulateOptions {
  method: PathMethod;
  /** Learning rate ε > 0. */
  lr: number;
  /** Learning-rate steps N (time T = N·ε). */
  steps: number;
  /** SME integrator sub-steps per ε (h = ε/substeps; default 1). */
  substeps?: number;
  paths?: number;
  seed?: number;
  /** Record every this many learning-rate steps (default 1). */
  recordEvery?: number;
  /** SME noise sampler (default 'mask-pair'), its pairs / samples, and the frozen factor's refresh. */
  noise?: NoiseKind;
  pairs?: number;
  samples?: number;
  refresh?: number;
  /** Keep every path's final θ (paths × D). */
  keepFinal?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface PathsResult {
  method: PathMethod;
  lr: number;
  /** Times of the records (multiples of recordEvery·ε, from 0 to T). */
  times: Float64Array;
  /** paths × records, row-major. */
  loss: Float32Array;
  normSq: Float32Array;
  final: Float32Array | null;
  paths: number;
}

const PATH_STREAM = 0x9a7e0;

export function resolveSimulate(o: SimulateOptions): Required<Omit<SimulateOptions, 'onProgress'>> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with method, lr and steps', o);
  if (!PATH_METHODS.includes(o.method)) throw new ArgumentError('options.method', PATH_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError('options.lr', 'a positive finite learning rate', o.lr);
  const noise = o.noise ?? 'mask-pair';
  if (noise !== 'mask-pair' && noise !== 'frozen') throw new ArgumentError('options.noise', "'mask-pair' or 'frozen'", noise);
  return {
    method: o.method, lr: o.lr, noise,
    steps: checkInt('options.steps', o.steps, 1),
    substeps: checkInt('options.substeps', o.substeps ?? 1, 1, 1 << 16),
    paths: checkInt('options.paths', o.paths ?? 1, 1, 1 << 24),
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
    recordEvery: checkInt('options.recordEvery', o.recordEvery ?? 1, 1),
    pairs: checkInt('options.pairs', o.pairs ?? 4, 1, 1 << 12),
    samples: checkInt('options.samples', o.samples ?? 32, 2, 1 << 14),
    refresh: checkInt('options.refresh', o.refresh ?? 10, 1),
    keepFinal: !!o.keepFinal,
  };
}

/** The seed of path p: independent streams for every path of a run. */
export function pathSeed(seed: number, p: number): number {
  return counterHash(seed, PATH_STREAM, p, 0, 0);
}

export async function simulatePaths(model: Mlp, data: DeviceDataset, options: SimulateOptions): Promise<PathsResult> {
  model.prepare(data);
  const o = resolveSimulate(options);
  const k = model.backend, d = model.size, eps = o.lr;
  const sme = o.method === 'sme1' || o.method === 'sme2';
  const sub = sme ? o.substeps : 1, h = eps / sub;
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  const theta0 = k.create(d), drift = k.create(d), zeta = k.create(d);
  const loss = k.create(o.paths * records), norm = k.create(o.paths * records);
  const final = o.keepFinal ? k.create(o.paths * d) : null;
  const sampler: NoiseSampler | null = !sme ? null
    : o.noise === 'mask-pair' ? maskPairSampler(model, data, o.pairs) : frozenFactorSampler(model, data, o.samples, o.refresh);
  let div = 1;
  k.copy(model.params, theta0);
  try {
    for (let p = 0; p < o.paths; p++) {
      k.copy(theta0, model.params);
      const seed = pathSeed(o.seed, p);
      for (let n = 0; n <= o.steps; n++) {
        if (n % o.recordEvery === 0) {
          const slot = p * records + n / o.recordEvery;
          div = model.lossInto(data, loss, slot);
          k.reduce('sumsq', model.params, null, norm, slot);
        }
        if (n === o.steps) break;
        for (let s = 0; s < sub; s++) {
          const t = n * sub + s;
          if (o.method === 'gd') k.axpy(-eps, model.gradientTensor(data, { mask: 'none' }), model.params);
          else if (o.method === 'gd-modified') k.axpy(-eps, model.gradientTensor(data, { mask: 'expected' }), model.params);
          else if (o.method === 'dropout-gd') k.axpy(-eps, model.gradientTensor(data, { mask: { seed, step: t } }), model.params);
          else {
            k.copy(model.gradientTensor(data, { mask: 'expected' }), drift);
            if (o.method === 'sme2') k.axpy(eps / 2, model.hvpTensor(data, drift, { of: 'modified' }), drift);
            sampler!.sample(t, seed, zeta);
            k.axpy(-h, drift, model.params);
            k.axpy(Math.sqrt(eps * h), zeta, model.params);
          }
        }
      }
      if (final) k.copy(model.params, final, 0, p * d, d);
      if (options.onProgress) {
        await k.flush();
        options.onProgress(p + 1, o.paths);
      }
    }
    const lossHost = (await k.read(loss)) as Float32Array;
    for (let i = 0; i < lossHost.length; i++) lossHost[i]! /= div;
    return {
      method: o.method, lr: eps, paths: o.paths,
      times: Float64Array.from({ length: records }, (_, r) => r * o.recordEvery * eps),
      loss: lossHost,
      normSq: (await k.read(norm)) as Float32Array,
      final: final ? ((await k.read(final)) as Float32Array) : null,
    };
  } finally {
    k.copy(theta0, model.params);
    sampler?.dispose();
    for (const t of [theta0, drift, zeta, loss, norm, final]) if (t) k.dispose(t);
  }
}
