/**
 * Options, results and per-path seeds of the path simulations (docs/math.md §4), shared by the batched
 * implementation (the default) and the sequential one (the test oracle).
 */
import { checkBoolean, checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { streamTag, streamWord } from '../random/streams.js';
import type { NoiseKind } from './samplers.js';

/**
 * What a path simulates (docs/math.md §4.4): dropout GD, GD on L_S, GD on R_S, or an SME: order 1,
 * order 2, or order 2 with the diffusion corrected at O(ε) ('sme2c', docs/math.md §4.7).
 */
export type PathMethod = 'dropout-gd' | 'gd-modified' | 'gd' | SmeMethod;
export type SmeMethod = 'sme1' | 'sme2' | 'sme2c';
export const SME_METHODS: readonly SmeMethod[] = ['sme1', 'sme2', 'sme2c'];
export const PATH_METHODS: readonly PathMethod[] = ['dropout-gd', 'gd-modified', 'gd', ...SME_METHODS];

/** Whether a method integrates an SME (sub-steps, noise samplers, coupling, antithetic pairs apply). */
export function isSme(m: PathMethod): m is SmeMethod {
  return (SME_METHODS as readonly string[]).includes(m);
}

/** Whether a method's step needs H_{L_S}·v (order-2 drift; the corrected diffusion's (ε/2)Hζ). */
export function needsHvp(m: PathMethod): boolean {
  return m === 'sme2' || m === 'sme2c';
}

/** Options of `engine.simulate` (docs/math.md §4.2–4.4). */
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
  /**
   * SME noise sampler (default 'mask-pair'), its pairs / samples, and the frozen factor's refresh;
   * 'none' integrates the SME's drift alone (its deterministic part).
   */
  noise?: NoiseKind | 'none';
  pairs?: number;
  samples?: number;
  refresh?: number;
  /**
   * Common random numbers with a run of r = `coupling` times as many sub-steps (SME methods):
   * sub-step t uses all the mask pairs and Gaussians of that run's sub-steps t·r … t·r + r − 1
   * (r·M pairs, samplers.ts pairWeights; frozen factor: z = Σ_q z_{t·r+q}/√r), so its noise is the
   * finer run's increments summed over the same interval. Default 1 (no coupling).
   */
  coupling?: number;
  /**
   * Antithetic pairs (SME methods): paths 2i and 2i + 1 share their masks and take opposite
   * Gaussians z, which cancels the noise's linear effect on a mean. Needs an even number of paths;
   * estimates then treat a pair as one independent sample.
   */
  antithetic?: boolean;
  /** Keep every path's final θ (paths × D). */
  keepFinal?: boolean;
  /**
   * 'batched' (default): many paths at once, their parameters one paths × D device tensor, every
   * step one set of batched kernels. 'sequential': one path after another (the reference).
   * Both give the same paths (same seeds) up to float rounding.
   */
  mode?: 'batched' | 'sequential';
  /** Paths per batch in 'batched' mode (default: as many as fit a budget of 2^24 floats). */
  pathsPerBatch?: number;
  /** Called after each batch of paths (each path in 'sequential' mode). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Paths from `engine.simulate`: R_S and ‖θ‖² at each record time, one row per path. */
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

export type ResolvedSimulate = Required<Omit<SimulateOptions, 'onProgress' | 'pathsPerBatch' | 'signal'>> & { pathsPerBatch: number | null };

const PATH_SEED = streamTag('pathSeed');

export function resolveSimulate(o: SimulateOptions): ResolvedSimulate {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with method, lr and steps', o);
  if (!PATH_METHODS.includes(o.method)) throw new ArgumentError('options.method', PATH_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError('options.lr', 'a positive finite learning rate', o.lr);
  const noise = o.noise ?? 'mask-pair';
  if (noise !== 'mask-pair' && noise !== 'frozen' && noise !== 'none') throw new ArgumentError('options.noise', "'mask-pair', 'frozen' or 'none'", noise);
  const sme = isSme(o.method);
  const antithetic = checkBoolean('options.antithetic', o.antithetic ?? false);
  if (antithetic && (!sme || noise === 'none')) throw new ArgumentError('options.antithetic', `false unless an SME method (${SME_METHODS.map((m) => `'${m}'`).join(', ')}) runs with noise`, antithetic);
  if (antithetic && (o.paths ?? 1) % 2 !== 0) throw new ArgumentError('options.paths', 'an even number of paths with antithetic pairs', o.paths);
  const mode = o.mode ?? 'batched';
  if (mode !== 'batched' && mode !== 'sequential') throw new ArgumentError('options.mode', "'batched' or 'sequential'", mode);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') throw new ArgumentError('options.onProgress', 'a function', o.onProgress);
  return {
    method: o.method, lr: o.lr, noise, mode,
    steps: checkInt('options.steps', o.steps, 1),
    substeps: checkInt('options.substeps', o.substeps ?? 1, 1, 1 << 16),
    paths: checkInt('options.paths', o.paths ?? 1, 1, 1 << 24),
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
    recordEvery: checkInt('options.recordEvery', o.recordEvery ?? 1, 1),
    pairs: checkInt('options.pairs', o.pairs ?? 4, 1, 1 << 12),
    samples: checkInt('options.samples', o.samples ?? 32, 2, 1 << 14),
    refresh: checkInt('options.refresh', o.refresh ?? 10, 1),
    keepFinal: !!o.keepFinal,
    coupling: checkInt('options.coupling', o.coupling ?? 1, 1, 1 << 16),
    antithetic,
    pathsPerBatch: o.pathsPerBatch === undefined ? null : checkInt('options.pathsPerBatch', o.pathsPerBatch, 1, 1 << 24),
  };
}

/** The seed of path p: independent streams for every path of a run. */
export function pathSeed(seed: number, p: number): number {
  return streamWord(seed, PATH_SEED, p, 0, 0);
}

/**
 * Path p's random source: its seed and the sign of its Gaussians. With antithetic pairs, paths 2i
 * and 2i + 1 share the seed of pair i and take opposite signs.
 */
export function pathSource(o: ResolvedSimulate, p: number): { seed: number; sign: 1 | -1 } {
  if (!o.antithetic) return { seed: pathSeed(o.seed, p), sign: 1 };
  return { seed: pathSeed(o.seed, p >> 1), sign: p % 2 === 0 ? 1 : -1 };
}

/** Record times: multiples of recordEvery·ε from 0 to T. */
export function recordTimes(o: ResolvedSimulate): Float64Array {
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  return Float64Array.from({ length: records }, (_, r) => r * o.recordEvery * o.lr);
}
