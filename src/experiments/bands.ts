/** Bands over paths for the loss curves: mean and a central quantile interval per record. */
import type { Band } from '../report/results.js';

/** Quantile q ∈ [0, 1] of sorted values by linear interpolation (numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const pos = q * (n - 1), lo = Math.floor(pos), hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * For a paths × records matrix (row-major), the mean over paths and the [lo, hi] quantiles per
 * record (default 10 % and 90 %). Non-finite values (a diverged path) make that record's band NaN.
 */
export function bandOverPaths(values: ArrayLike<number>, paths: number, records: number, lo = 0.1, hi = 0.9): Band {
  const band: Band = { mean: [], lo: [], hi: [] };
  const column = new Float64Array(paths);
  for (let r = 0; r < records; r++) {
    let sum = 0;
    for (let p = 0; p < paths; p++) sum += column[p] = values[p * records + r]!;
    column.sort();
    band.mean.push(sum / paths);
    band.lo.push(quantileSorted(column, lo));
    band.hi.push(quantileSorted(column, hi));
  }
  return band;
}
