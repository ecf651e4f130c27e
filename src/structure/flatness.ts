/**
 * Interval flatness (docs/math.md §6): along a unit direction v around θ̄, F = s_r − s_l with s_l < 0 < s_r
 * the crossings of L(θ̄ + s v) = c·L(θ̄) nearest the origin, found by bracketing (steps doubling
 * outward from s₀) and bisection to a relative width `tol`. L is R_S (or L_S) on the device.
 * Doubling can step over a nearer crossing where L rises above c·L̄ and falls back within one
 * step; s₀ small (default 1e-3) keeps that to non-monotone valleys narrower than the step.
 */
import { checkInt, checkOptions, checkPositive, checkVector } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { checkAbort, checkSignal } from '../abort.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';

/** Options of `engine.flatness` (docs/math.md §6.3). */
export interface FlatnessOptions {
  /** Threshold c > 1 (default 2). */
  c?: number;
  /** 'loss' (R_S, default) or 'modified' (L_S). */
  of?: 'loss' | 'modified';
  /** First bracketing step (default 1e-3), relative bisection tolerance (default 1e-4). */
  s0?: number;
  tol?: number;
  /** Largest |s| searched (default 1e4): beyond it the side counts as unbounded (Infinity). */
  maxS?: number;
  onProgress?: (done: number, total: number) => void;
  /** Stops between loss evaluations once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Interval flatness along each direction: F = right − left (Infinity where a side is unbounded). */
export interface FlatnessResult {
  flatness: Float64Array;
  left: Float64Array;
  right: Float64Array;
  /** L(θ̄). */
  base: number;
  c: number;
}

export async function intervalFlatness(
  model: Mlp, data: DeviceDataset, centre: ArrayLike<number>, directions: ArrayLike<number>, k: number, options: FlatnessOptions = {},
): Promise<FlatnessResult> {
  const d = model.size;
  model.prepare(data);
  checkOptions('options', options);
  checkInt('k', k, 1, d);
  const c = options.c ?? 2;
  if (typeof c !== 'number' || !(c > 1) || !Number.isFinite(c)) throw new ArgumentError('options.c', 'a finite number > 1', c);
  const of = options.of ?? 'loss';
  if (of !== 'loss' && of !== 'modified') throw new ArgumentError('options.of', "'loss' or 'modified'", of);
  checkVector('centre', centre, d);
  checkVector('directions', directions, k * d, true);
  const s0 = checkPositive('options.s0', options.s0 ?? 1e-3);
  const tol = checkPositive('options.tol', options.tol ?? 1e-4);
  const maxS = checkPositive('options.maxS', options.maxS ?? 1e4);
  if (tol >= 1) throw new ArgumentError('options.tol', 'a number in (0, 1)', tol);
  if (maxS < s0) throw new ArgumentError('options.maxS', `at least options.s0 = ${s0}`, maxS);
  const signal = checkSignal('options.signal', options.signal);
  const k_ = model.kernels;
  const saved = await model.getParams();
  const theta = k_.fromArray(Float32Array.from(centre)), dir = k_.create(d);
  const lossAt = async (s: number) => {
    if (signal) await checkAbort(signal);
    k_.copy(theta, model.params);
    k_.axpy(s, dir, model.params);
    return of === 'loss' ? model.loss(data) : (await model.modifiedLoss(data)).value;
  };
  const crossing = async (sign: 1 | -1, target: number) => {
    let lo = 0, hi = s0;
    while ((await lossAt(sign * hi)) < target) {
      lo = hi;
      hi *= 2;
      if (hi > maxS) return sign * Infinity;
    }
    while (hi - lo > tol * hi) {
      const mid = 0.5 * (lo + hi);
      if ((await lossAt(sign * mid)) < target) lo = mid;
      else hi = mid;
    }
    return sign * 0.5 * (lo + hi);
  };
  try {
    const base = await lossAt(0);
    const target = c * base;
    const left = new Float64Array(k), right = new Float64Array(k), flatness = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      k_.write(dir, Float32Array.from({ length: d }, (_, j) => directions[i * d + j]!));
      right[i] = await crossing(1, target);
      left[i] = await crossing(-1, target);
      flatness[i] = right[i]! - left[i]!;
      options.onProgress?.(i + 1, k);
    }
    return { flatness, left, right, base, c };
  } finally {
    model.setParams(saved);
    k_.dispose(theta);
    k_.dispose(dir);
  }
}
