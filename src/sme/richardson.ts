/**
 * The certified SME integrator of the weak-order study (docs/math.md §4, issue "The SME's weak
 * order"). Euler–Maruyama's own weak error is of order h; with h = ε/k it is of the order of the
 * order-1 SME's error and larger than the order-2 SME's, so a study of the SME's order must
 * integrate with a step that does not shrink with ε and know the integrator's error.
 *
 * Why this scheme: Euler–Maruyama has a weak error expansion E_h = E + a·h + b·h² + O(h³)
 * (Talay–Tubaro 1990; it holds for any increments with the same first moments and symmetric
 * Gaussians, as the mask-pair noise has). Three runs at h, h/2 and h/4 with common random numbers
 * (every run's noise is the h/4 run's summed over the same interval: `coupling`) give
 *   R₁ = 2E_{h/2} − E_h = E − b h²/2,   R₂ = 2E_{h/4} − E_{h/2} = E − b h²/8,
 * so R₂ is weak order 2 in h and its remaining error is (R₁ − R₂)/3 to leading order. A weak
 * order-2 scheme for multiplicative mask noise would need derivatives of Σ^{1/2}; Richardson needs
 * only the existing batched Euler–Maruyama pass, at 7 sub-steps of h/4's cost per h. Paths run as
 * antithetic pairs (opposite Gaussians, same masks), which cancels the noise's linear effect on a
 * mean; a pair is then one independent sample. The common random numbers make R₂ and the error
 * estimate nearly as precise as one run.
 */
import { ArgumentError } from '../errors.js';
import { checkInt, checkPositive } from '../backend/validate.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { simulatePaths, type SimulateOptions } from './simulate.js';
import { isSme, SME_METHODS, type PathsResult, type SmeMethod } from './path-options.js';

/** The integrator levels: steps h, h/2, h/4. */
export const LEVELS = 3;

export interface RichardsonOptions {
  method: SmeMethod;
  /** Learning rate ε (a multiple of `step`, up to rounding of 1e-9 relative). */
  lr: number;
  /** Learning-rate steps N: the SME runs to time T = N·ε. */
  steps: number;
  /** The coarsest integrator step h; the finer runs use h/2 and h/4. */
  step: number;
  /** Paths per level, an even number (antithetic pairs). */
  paths: number;
  seed?: number;
  noise?: SimulateOptions['noise'];
  pairs?: number;
  samples?: number;
  refresh?: number;
  keepFinal?: boolean;
  /** Stops the run between steps (an AbortError), as simulate's own option. */
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface RichardsonPaths {
  /** Integrator sub-steps per learning-rate step at h, h/2, h/4. */
  substeps: number[];
  /** One run per level, h first; path p of every level has the same random source. */
  levels: PathsResult[];
}

/** Whether ε is a whole multiple of the integrator step h (up to rounding of 1e-9 relative). */
export function stepDivides(lr: number, step: number): boolean {
  const k = Math.round(lr / step);
  return k >= 1 && Math.abs(k * step - lr) <= 1e-9 * lr;
}

/** Sub-steps per learning-rate step at the coarsest level: ε/h, which must be a whole number. */
export function substepsFor(lr: number, step: number): number {
  const k = Math.round(lr / step);
  if (!stepDivides(lr, step)) {
    throw new ArgumentError('options.step', `an integrator step h that divides the learning rate ${lr} (ε/h a whole number)`, step);
  }
  return k;
}

/** The SME's paths at h, h/2 and h/4 with common random numbers and antithetic pairs. */
export async function richardsonPaths(model: Mlp, data: DeviceDataset, o: RichardsonOptions): Promise<RichardsonPaths> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with method, lr, steps, step and paths', o);
  if (typeof o.method !== 'string' || !isSme(o.method as SmeMethod)) throw new ArgumentError('options.method', SME_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  checkPositive('options.step', o.step);
  const base = substepsFor(checkPositive('options.lr', o.lr), o.step);
  const paths = checkInt('options.paths', o.paths, 2, 1 << 24);
  if (paths % 2 !== 0) throw new ArgumentError('options.paths', 'an even number of paths (antithetic pairs)', paths);
  const steps = checkInt('options.steps', o.steps, 1);
  const substeps = Array.from({ length: LEVELS }, (_, l) => base << l);
  const levels: PathsResult[] = [];
  for (let l = 0; l < LEVELS; l++) {
    const progress = o.onProgress;
    levels.push(await simulatePaths(model, data, {
      method: o.method, lr: o.lr, steps, substeps: substeps[l]!, paths, seed: o.seed ?? 0, recordEvery: steps,
      antithetic: o.noise !== 'none', coupling: 1 << (LEVELS - 1 - l),
      ...(o.noise ? { noise: o.noise } : {}), ...(o.pairs ? { pairs: o.pairs } : {}),
      ...(o.samples ? { samples: o.samples } : {}), ...(o.refresh ? { refresh: o.refresh } : {}),
      ...(o.keepFinal ? { keepFinal: true } : {}), ...(o.signal ? { signal: o.signal } : {}),
      // Progress in units of h/4 sub-steps: level l costs 2^l of the 7 shares.
      ...(progress ? { onProgress: (d: number, t: number) => progress(((1 << l) - 1 + (d / t) * (1 << l)) / 7 * t, t) } : {}),
    }));
  }
  return { substeps, levels };
}

export interface Extrapolated {
  /** Per unit (an antithetic pair's mean, or a path): R₂ = 2E_{h/4} − E_{h/2}. */
  value: Float64Array;
  /** Per unit: (R₁ − R₂)/3 = (3E_{h/2} − E_h − 2E_{h/4})/3, whose mean estimates R₂'s integrator error. */
  error: Float64Array;
}

/**
 * Richardson's combination of one observable's values at h, h/2, h/4 (one value per path at each
 * level, same path order), averaged over `group` consecutive paths (2 for antithetic pairs).
 */
export function extrapolate(atH: ArrayLike<number>, atH2: ArrayLike<number>, atH4: ArrayLike<number>, group = 2): Extrapolated {
  const n = atH.length;
  if (atH2.length !== n || atH4.length !== n || n % group !== 0) throw new ArgumentError('levels', `three arrays of the same length, a multiple of ${group}`, [atH.length, atH2.length, atH4.length]);
  const units = n / group;
  const value = new Float64Array(units), error = new Float64Array(units);
  for (let u = 0; u < units; u++) {
    let v = 0, e = 0;
    for (let j = u * group; j < (u + 1) * group; j++) {
      v += 2 * atH4[j]! - atH2[j]!;
      e += (3 * atH2[j]! - atH[j]! - 2 * atH4[j]!) / 3;
    }
    value[u] = v / group;
    error[u] = e / group;
  }
  return { value, error };
}
