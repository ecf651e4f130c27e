/**
 * Options, results and per-path seeds of the path simulations (docs/math.md §4), shared by the batched
 * implementation (the default) and the sequential one (the test oracle).
 */
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { counterHash } from '../random/counter-hash.js';
import type { NoiseKind } from './samplers.js';

/**
 * What a path simulates (docs/math.md §4.4): dropout GD, GD on L_S, GD on R_S, or the SME of order 1 or 2.
 */
export type PathMethod = 'dropout-gd' | 'gd-modified' | 'gd' | 'sme1' | 'sme2';
export const PATH_METHODS: readonly PathMethod[] = ['dropout-gd', 'gd-modified', 'gd', 'sme1', 'sme2'];

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
  /** SME noise sampler (default 'mask-pair'), its pairs / samples, and the frozen factor's refresh. */
  noise?: NoiseKind;
  pairs?: number;
  samples?: number;
  refresh?: number;
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

export type ResolvedSimulate = Required<Omit<SimulateOptions, 'onProgress' | 'pathsPerBatch'>> & { pathsPerBatch: number | null };

const PATH_STREAM = 0x9a7e0;

export function resolveSimulate(o: SimulateOptions): ResolvedSimulate {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with method, lr and steps', o);
  if (!PATH_METHODS.includes(o.method)) throw new ArgumentError('options.method', PATH_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  if (typeof o.lr !== 'number' || !(o.lr > 0) || !Number.isFinite(o.lr)) throw new ArgumentError('options.lr', 'a positive finite learning rate', o.lr);
  const noise = o.noise ?? 'mask-pair';
  if (noise !== 'mask-pair' && noise !== 'frozen') throw new ArgumentError('options.noise', "'mask-pair' or 'frozen'", noise);
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
    pathsPerBatch: o.pathsPerBatch === undefined ? null : checkInt('options.pathsPerBatch', o.pathsPerBatch, 1, 1 << 24),
  };
}

/** The seed of path p: independent streams for every path of a run. */
export function pathSeed(seed: number, p: number): number {
  return counterHash(seed, PATH_STREAM, p, 0, 0);
}

/** Record times: multiples of recordEvery·ε from 0 to T. */
export function recordTimes(o: ResolvedSimulate): Float64Array {
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  return Float64Array.from({ length: records }, (_, r) => r * o.recordEvery * o.lr);
}
