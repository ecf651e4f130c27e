/**
 * The inverse variance–flatness relation (docs/math.md §6; Feng & Tu): PCA of the samples, interval
 * flatness along the top K directions around the sample mean, and the fit
 * log σ_i² = −ψ log F_i + b with a bootstrap 95% interval of ψ and Spearman's ρ.
 */
import { checkInt, checkOptions, checkVector } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { intervalFlatness, type FlatnessOptions, type FlatnessResult } from './flatness.js';
import { pca } from './pca.js';
import { fitLine } from './stats.js';

/** Options of `engine.varianceFlatness` (docs/math.md §6.2–6.4). */
export interface VarianceFlatnessOptions extends FlatnessOptions {
  /** Directions K (default min(S − 1, 20)). */
  k?: number;
  bootstrap?: number;
  seed?: number;
  /**
   * Where flatness is measured (default: the sample mean). Gradient samples (docs/math.md §6: M mask
   * gradients at a fixed θ*) are centred at θ*, not at their own mean.
   */
  centre?: ArrayLike<number>;
}

/** The inverse variance–flatness relation of a set of samples (docs/math.md §6.4). */
export interface VarianceFlatnessResult {
  variances: Float64Array;
  flatness: FlatnessResult;
  /** ψ = −slope of log σ² on log F, its 95% interval, Spearman's ρ of (F, σ²). */
  psi: number;
  interval: [number, number];
  spearman: number;
  /** Directions with finite flatness used in the fit. */
  used: number;
}

export async function varianceFlatness(
  model: Mlp, data: DeviceDataset, samples: Float32Array, count: number, options: VarianceFlatnessOptions = {},
): Promise<VarianceFlatnessResult> {
  const d = model.size;
  model.prepare(data);
  checkOptions('options', options);
  checkInt('count', count, 2);
  if (!(samples instanceof Float32Array)) throw new ArgumentError('samples', 'a Float32Array of count × D values', samples);
  checkVector('samples', samples, count * d);
  const k = checkInt('options.k', options.k ?? Math.min(count - 1, 20), 1, count - 1);
  checkInt('options.bootstrap', options.bootstrap ?? 1000, 0, 1 << 20);
  checkInt('options.seed', options.seed ?? 0, 0, 0xffffffff);
  const p = await pca(samples, count, d, k);
  const flat = await intervalFlatness(model, data, options.centre ?? p.mean, p.components, k, options);
  const all = Array.from({ length: k }, (_, i) => i);
  return { variances: p.variances, flatness: flat, ...fitPsi(flat.flatness, p.variances, all, options.bootstrap ?? 1000, options.seed ?? 0) };
}

/**
 * The fit log σ_i² = −ψ log F_i + b over the given directions that have a finite flatness and a
 * positive variance: ψ, its bootstrap 95% interval, Spearman's ρ of (F, σ²), and how many were used.
 */
export function fitPsi(
  flatness: ArrayLike<number>, variances: ArrayLike<number>, directions: readonly number[], bootstrap = 1000, seed = 0,
): Pick<VarianceFlatnessResult, 'psi' | 'interval' | 'spearman' | 'used'> {
  const use = directions.filter((i) => Number.isFinite(flatness[i]!) && variances[i]! > 0);
  const fit = fitLine(use.map((i) => Math.log(flatness[i]!)), use.map((i) => Math.log(variances[i]!)), bootstrap, seed);
  return { psi: -fit.slope, interval: [-fit.interval[1], -fit.interval[0]], spearman: fit.spearman, used: use.length };
}
