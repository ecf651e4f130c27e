/**
 * Spectral density by stochastic Lanczos quadrature (docs/math.md §5; Ghorbani et al. 2019, as PyHessian):
 * for each of `probes` random unit vectors v, m Lanczos steps give T = S Θ Sᵀ, and the quadrature
 * nodes θ_i with weights τ_i = s_{0,i}² approximate vᵀ f(H) v. The density is their average,
 * smoothed by a Gaussian of width σ: φ(t) = (1/P) Σ_p Σ_i τ_i^p N(t; θ_i^p, σ²), integrating to 1.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkInt, checkPositive } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { tridiagonalEigen } from '../linalg/index.js';
import { lanczos } from './lanczos.js';
import { streamTag } from '../random/streams.js';
import { checkSignal } from '../abort.js';

/** Options of `engine.hessianDensity` (docs/math.md §5.5). */
export interface DensityOptions {
  /** Random start vectors P, in [1, 1024] (default 1). */
  probes?: number;
  /** Lanczos steps per probe (default 80). */
  steps?: number;
  /** Grid points of the returned density (default 512). */
  points?: number;
  /** Gaussian width as a fraction of the node range (default 0.01). */
  sigma?: number;
  /** Seed of the start vectors (default 0). */
  seed?: number;
  /** Called after each Lanczos step with (done, total) over all probes. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between Lanczos steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** A smoothed Hessian spectral density that integrates to 1. */
export interface DensityResult {
  /** Grid points t, from min node − 5σ to max node + 5σ. */
  grid: Float64Array;
  /** φ(t) at each grid point. */
  density: Float64Array;
  /** Quadrature nodes and weights of every probe, concatenated (weights of one probe sum to 1). */
  nodes: Float64Array;
  /** The weights of the nodes (each probe's sum to 1). */
  weights: Float64Array;
  /** The Gaussian width σ used, in eigenvalue units. */
  sigma: number;
}

export async function lanczosDensity(k: Backend, d: number, apply: (q: Tensor) => Tensor, opts: DensityOptions = {}): Promise<DensityResult> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'an object', opts);
  const probes = checkInt('options.probes', opts.probes ?? 1, 1, 1024);
  const steps = checkInt('options.steps', opts.steps ?? 80, 2, 100000);
  const points = checkInt('options.points', opts.points ?? 512, 2, 1 << 20);
  const sigmaFrac = checkPositive('options.sigma', opts.sigma ?? 0.01);
  const seed = checkInt('options.seed', opts.seed ?? 0, 0, 0xffffffff);
  const signal = checkSignal('options.signal', opts.signal);
  const nodes: number[] = [], weights: number[] = [];
  for (let p = 0; p < probes; p++) {
    const run = await lanczos(k, d, apply, {
      // Probe p's start is index 0 of its own sub-stream, its restarts the indices after it.
      steps, seed, tag: streamTag('slqProbe', p), signal,
      onStep: opts.onProgress ? (j, m) => opts.onProgress!(p * m + j, probes * m) : undefined,
    });
    k.dispose(run.basis);
    const t = await tridiagonalEigen(run.alpha, run.beta, { vectors: true });
    const tv = t.vectors!;
    const m = run.steps;
    for (let i = 0; i < m; i++) {
      nodes.push(t.values[i]!);
      weights.push(tv[i]! ** 2); // first component of eigenvector i
    }
  }
  const lo = Math.min(...nodes), hi = Math.max(...nodes);
  const range = Math.max(hi - lo, 1e-12 * Math.max(1, Math.abs(hi)));
  const sigma = sigmaFrac * range;
  const grid = new Float64Array(points), density = new Float64Array(points);
  const a = lo - 5 * sigma, b = hi + 5 * sigma;
  const norm = 1 / (probes * sigma * Math.sqrt(2 * Math.PI));
  for (let g = 0; g < points; g++) {
    const x = a + ((b - a) * g) / (points - 1);
    grid[g] = x;
    let s = 0;
    for (let i = 0; i < nodes.length; i++) s += weights[i]! * Math.exp(-0.5 * ((x - nodes[i]!) / sigma) ** 2);
    density[g] = s * norm;
  }
  return { grid, density, nodes: Float64Array.from(nodes), weights: Float64Array.from(weights), sigma };
}
