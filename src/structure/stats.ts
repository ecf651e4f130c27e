/**
 * Small statistics for the noise-structure analyses (docs/math.md §6): a least-squares line with a
 * bootstrap interval for its slope, and Spearman's rank correlation (average ranks for ties).
 */
import { checkInt, checkVector } from '../backend/validate.js';
import { createRng } from '../data/random.js';
import { ArgumentError } from '../errors.js';
import { slopeOf } from '../sme/weak-order.js';

/** A least-squares line with the bootstrap interval of its slope (see {@link fitLine}). */
export interface LineFit {
  slope: number;
  intercept: number;
  /** 95% bootstrap percentile interval of the slope (pairs resampled). */
  interval: [number, number];
  spearman: number;
  n: number;
}

/** Ranks 1…n, ties sharing their average rank. */
export function ranks(x: ArrayLike<number>): Float64Array {
  checkVector('x', x, (x as ArrayLike<number>)?.length ?? 0);
  const idx = Array.from({ length: x.length }, (_, i) => i).sort((a, b) => x[a]! - x[b]!);
  const r = new Float64Array(x.length);
  for (let i = 0; i < idx.length; ) {
    let j = i;
    while (j + 1 < idx.length && x[idx[j + 1]!] === x[idx[i]!]) j++;
    for (let t = i; t <= j; t++) r[idx[t]!] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

/** Pearson correlation of x and y. */
export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) { mx += x[i]! / n; my += y[i]! / n; }
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/**
 * Spearman's rank correlation of x and y (Pearson's of their ranks, ties averaged); throws an ArgumentError for arrays of different lengths, fewer than 2 values or non-finite values.
 */
export function spearman(x: ArrayLike<number>, y: ArrayLike<number>): number {
  checkPair(x, y, 2);
  return pearson(ranks(x), ranks(y));
}

/** y = slope·x + intercept by least squares, with a bootstrap interval over resampled pairs. */
export function fitLine(x: number[], y: number[], bootstrap = 1000, seed = 0): LineFit {
  checkPair(x, y, 2);
  checkInt('bootstrap', bootstrap, 0, 1 << 24);
  checkInt('seed', seed, 0, 0xffffffff);
  const n = x.length;
  const slope = slopeOf(x, y);
  const intercept = y.reduce((a, b) => a + b, 0) / n - (slope * x.reduce((a, b) => a + b, 0)) / n;
  const rng = createRng(seed, 0xf17);
  const slopes: number[] = [];
  for (let b = 0; b < bootstrap; b++) {
    const bx: number[] = [], by: number[] = [];
    for (let i = 0; i < n; i++) {
      const j = rng.int(n);
      bx.push(x[j]!);
      by.push(y[j]!);
    }
    const s = slopeOf(bx, by);
    if (Number.isFinite(s)) slopes.push(s);
  }
  slopes.sort((a, b) => a - b);
  const q = (p: number) => (slopes.length ? slopes[Math.min(slopes.length - 1, Math.floor(p * slopes.length))]! : NaN);
  return { slope, intercept, interval: [q(0.025), q(0.975)], spearman: spearman(x, y), n };
}

/** x and y: finite numeric arrays of the same length, at least `min` points. */
function checkPair(x: ArrayLike<number>, y: ArrayLike<number>, min: number): void {
  const n = (x as ArrayLike<number>)?.length;
  if (typeof n !== 'number' || n < min) throw new ArgumentError('x', `a numeric array of at least ${min} values`, x);
  checkVector('x', x, n);
  checkVector('y', y, n);
}
