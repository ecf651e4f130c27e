/**
 * Top-k Hessian eigenpairs by Lanczos (docs/math.md §5): run Lanczos steps, take the Ritz pairs of T, and
 * stop when the k wanted pairs have residuals ‖H y − θ y‖ = |β_m s_{m,i}| ≤ tol·max|θ|, adding
 * steps (up to maxSteps) otherwise. Ritz vectors are formed on the device as Sᵀ Q.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { tridiagonalEigen } from '../linalg/index.js';
import { lanczos } from './lanczos.js';
import { checkSignal } from '../abort.js';

/** Which eigenpairs: 'LA' largest algebraic, 'SA' smallest algebraic, 'LM' largest magnitude. */
export type Which = 'LA' | 'SA' | 'LM';

/** Options of `engine.hessianEigen` (docs/math.md §5.3). */
export interface EigenOptions {
  /** Eigenpairs wanted, in [1, D] (default 10). */
  k?: number;
  /** 'LA' largest algebraic (default), 'SA' smallest algebraic, 'LM' largest magnitude. */
  which?: Which;
  /** Relative residual tolerance (default 1e-4: f32 HVPs are accurate to ~1e-6 relative). */
  tol?: number;
  /** Lanczos steps of the first run (default max(2k + 10, 40)) and the cap when adding steps. */
  steps?: number;
  /** Most Lanczos steps when adding steps (default 4 × steps, at most D). */
  maxSteps?: number;
  /** Seed of the random start vector (default 0). */
  seed?: number;
  /** Called after each Lanczos step with (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Stops between Lanczos steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Eigenpairs of the Hessian from `engine.hessianEigen`. */
export interface EigenResult {
  /** The k eigenvalues (Ritz values), in the order `which` asks for (largest first for 'LA'). */
  values: Float64Array;
  /** k × D, row i is the unit eigenvector of values[i]. */
  vectors: Float32Array;
  /** ‖H y_i − θ_i y_i‖ estimates. */
  residuals: Float64Array;
  /** True when every residual is at most tol · max|θ| (or Lanczos spanned all of R^D). */
  converged: boolean;
  /** Lanczos steps of the last run. */
  steps: number;
  /** Steps at which a breakdown (an invariant subspace) forced a restart. */
  restarts: number[];
}

export function resolveEigen(o: EigenOptions, d: number): Required<Omit<EigenOptions, 'onProgress' | 'signal'>> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object', o);
  const k = checkInt('options.k', o.k ?? 10, 1, d);
  const which = o.which ?? 'LA';
  if (which !== 'LA' && which !== 'SA' && which !== 'LM') throw new ArgumentError('options.which', "'LA', 'SA' or 'LM'", which);
  const tol = o.tol ?? 1e-4;
  if (typeof tol !== 'number' || !(tol > 0 && tol < 1)) throw new ArgumentError('options.tol', 'a number in (0, 1)', tol);
  const steps = Math.min(d, checkInt('options.steps', o.steps ?? Math.max(2 * k + 10, 40), k));
  const maxSteps = Math.min(d, checkInt('options.maxSteps', o.maxSteps ?? Math.max(steps, 4 * steps), steps));
  return { k, which, tol, steps, maxSteps, seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff) };
}

function pick(values: Float64Array, k: number, which: Which): number[] {
  const idx = Array.from(values, (_, i) => i);
  const key = which === 'LA' ? (i: number) => -values[i]! : which === 'SA' ? (i: number) => values[i]! : (i: number) => -Math.abs(values[i]!);
  return idx.sort((a, b) => key(a) - key(b)).slice(0, k);
}

/** Eigenpairs of the symmetric operator `apply` on device vectors of length d. */
export async function lanczosEigen(backend: Backend, d: number, apply: (q: Tensor) => Tensor, options: EigenOptions = {}): Promise<EigenResult> {
  const o = resolveEigen(options, d);
  let steps = o.steps;
  for (;;) {
    const run = await lanczos(backend, d, apply, { steps, seed: o.seed, onStep: options.onProgress, signal: checkSignal('options.signal', options.signal) });
    try {
      const t = await tridiagonalEigen(run.alpha, run.beta, { vectors: true });
      const tv = t.vectors!;
      const m = run.steps;
      const chosen = pick(t.values, o.k, o.which);
      const scale = Math.max(...Array.from(t.values, Math.abs), 1e-30);
      const residuals = Float64Array.from(chosen, (i) => Math.abs(run.betaLast * tv[(m - 1) * m + i]!));
      const converged = residuals.every((r) => r <= o.tol * scale) || m === d;
      if (converged || steps >= o.maxSteps) {
        // Ritz vectors: Y = Sᵀ Q with S the chosen columns of T's eigenvectors (m × k).
        const s = new Float32Array(m * o.k);
        chosen.forEach((c, j) => { for (let i = 0; i < m; i++) s[i * o.k + j] = tv[i * m + c]!; });
        const ts = backend.fromArray(s), y = backend.create(o.k * d);
        backend.gemm(ts, run.basis, y, { m: o.k, n: d, k: m, transA: true });
        const vectors = (await backend.read(y)) as Float32Array;
        backend.dispose(ts);
        backend.dispose(y);
        return { values: Float64Array.from(chosen, (i) => t.values[i]!), vectors, residuals, converged, steps: m, restarts: run.restarts };
      }
    } finally {
      backend.dispose(run.basis);
    }
    steps = Math.min(o.maxSteps, 2 * steps);
  }
}
