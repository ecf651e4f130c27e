/**
 * The weak-order study of docs/math.md §4: for each ε of a ladder, R paths of dropout GD and R paths of
 * the SME to the same time T; the weak error e(ε) = |mean g(θ_N) − mean g(Θ_N)| for g = R_S and
 * g = ‖θ‖², with the Monte Carlo floor √(s²_GD/R + s²_SME/R) beside it, and the order as the
 * least-squares slope of log e on log ε with a bootstrap 95% interval (paths resampled).
 * The R paths of each run are simulated at once (simulatePaths' default batched mode).
 */
import { checkInt, checkPositive } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { createRng } from '../data/random.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { simulatePaths, type SimulateOptions } from './simulate.js';

/** The test function g of the weak error: R_S ('loss') or ‖θ‖² ('normSq'). */
export type Observable = 'loss' | 'normSq';

/** Options of `engine.weakOrder` (docs/math.md §4.5). */
export interface WeakOrderOptions {
  /** Learning rates (at least 2, distinct). */
  lrs: number[];
  /** Time T: each ε runs round(T/ε) steps. */
  time: number;
  paths: number;
  /** 1 or 2 (default 1). */
  order?: 1 | 2;
  substeps?: number;
  seed?: number;
  noise?: SimulateOptions['noise'];
  pairs?: number;
  bootstrap?: number;
  onProgress?: (done: number, total: number) => void;
}

/** The weak-order study for one observable g. */
export interface ObservableErrors {
  /** e(ε) per learning rate. */
  errors: Float64Array;
  /** Monte Carlo floor per learning rate. */
  floors: Float64Array;
  /** Means of g at T: dropout GD and SME. */
  meanGd: Float64Array;
  meanSme: Float64Array;
  /** Fitted order over the learning rates whose error exceeds twice the floor (NaN if < 2). */
  slope: number;
  interval: [number, number];
  /** Indices of the learning rates used in the fit. */
  fitted: number[];
}

/** What `engine.weakOrder` returns: the study for g = R_S and g = ‖θ‖². */
export interface WeakOrderResult {
  lrs: number[];
  steps: number[];
  order: 1 | 2;
  paths: number;
  loss: ObservableErrors;
  normSq: ObservableErrors;
}

/** Least-squares slope of y on x. */
export function slopeOf(x: number[], y: number[]): number {
  const n = x.length, mx = x.reduce((a, b) => a + b, 0) / n, my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0, sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
  }
  return sxy / sxx;
}

/** Learning-rate steps to reach time T with step ε (at least one). */
export const stepsFor = (time: number, lr: number): number => Math.max(1, Math.round(time / lr));

/** The last record of each path from a paths × records matrix (simulate's loss or normSq). */
export function finalValues(values: Float32Array, paths: number): Float64Array {
  const records = values.length / paths;
  return Float64Array.from({ length: paths }, (_, p) => values[p * records + records - 1]!);
}

const mean = (a: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
};
const variance = (a: ArrayLike<number>) => {
  const m = mean(a);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return s / Math.max(1, a.length - 1);
};

/**
 * Weak errors, Monte Carlo floors and the fitted order from the final values of g: per learning
 * rate i, gd[i] and sme[i] hold one value per path (R each).
 */
export function weakErrors(lrs: number[], gd: ArrayLike<number>[], sme: ArrayLike<number>[], bootstrap: number, seed: number): ObservableErrors {
  const R = gd[0]!.length;
  const meanGd = Float64Array.from(gd, (a) => mean(a)), meanSme = Float64Array.from(sme, (a) => mean(a));
  const errors = Float64Array.from(lrs, (_, i) => Math.abs(meanGd[i]! - meanSme[i]!));
  const floors = Float64Array.from(lrs, (_, i) => Math.sqrt(variance(gd[i]!) / R + variance(sme[i]!) / R));
  const fitted = lrs.map((_, i) => i).filter((i) => errors[i]! > 2 * floors[i]!);
  const logx = fitted.map((i) => Math.log(lrs[i]!));
  const slope = fitted.length >= 2 ? slopeOf(logx, fitted.map((i) => Math.log(errors[i]!))) : NaN;
  const rng = createRng(seed, 0xb007);
  const slopes: number[] = [];
  if (fitted.length >= 2) {
    for (let b = 0; b < bootstrap; b++) {
      const logy = fitted.map((i) => {
        let a = 0, c = 0;
        for (let r = 0; r < R; r++) {
          a += gd[i]![rng.int(R)]!;
          c += sme[i]![rng.int(R)]!;
        }
        return Math.log(Math.abs(a - c) / R);
      });
      const s = slopeOf(logx, logy);
      if (Number.isFinite(s)) slopes.push(s);
    }
  }
  slopes.sort((a, b) => a - b);
  const q = (p: number) => (slopes.length ? slopes[Math.min(slopes.length - 1, Math.floor(p * slopes.length))]! : NaN);
  return { errors, floors, meanGd, meanSme, slope, interval: [q(0.025), q(0.975)], fitted };
}

export async function weakOrder(model: Mlp, data: DeviceDataset, o: WeakOrderOptions): Promise<WeakOrderResult> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with lrs, time and paths', o);
  if (!Array.isArray(o.lrs) || o.lrs.length < 2 || o.lrs.some((e) => typeof e !== 'number' || !(e > 0) || !Number.isFinite(e))) {
    throw new ArgumentError('options.lrs', 'an array of at least two positive learning rates', o.lrs);
  }
  checkPositive('options.time', o.time);
  const paths = checkInt('options.paths', o.paths, 2);
  const order = o.order ?? 1;
  if (order !== 1 && order !== 2) throw new ArgumentError('options.order', '1 or 2', order);
  const seed = checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff);
  const bootstrap = checkInt('options.bootstrap', o.bootstrap ?? 1000, 0, 1 << 20);
  const steps = o.lrs.map((e) => stepsFor(o.time, e));
  const gd: Record<Observable, Float64Array[]> = { loss: [], normSq: [] };
  const sme: Record<Observable, Float64Array[]> = { loss: [], normSq: [] };
  const total = 2 * o.lrs.length * paths;
  let done = 0;
  const progress = o.onProgress ? (p: number) => o.onProgress!(done + p, total) : undefined;
  for (const [i, lr] of o.lrs.entries()) {
    const common = { lr, steps: steps[i]!, paths, seed: seed + i, recordEvery: steps[i]!, onProgress: progress };
    const a = await simulatePaths(model, data, { ...common, method: 'dropout-gd' });
    done += paths;
    const b = await simulatePaths(model, data, {
      ...common, method: order === 1 ? 'sme1' : 'sme2', substeps: o.substeps ?? 4,
      ...(o.noise ? { noise: o.noise } : {}), ...(o.pairs ? { pairs: o.pairs } : {}),
    });
    done += paths;
    gd.loss.push(finalValues(a.loss, paths));
    gd.normSq.push(finalValues(a.normSq, paths));
    sme.loss.push(finalValues(b.loss, paths));
    sme.normSq.push(finalValues(b.normSq, paths));
  }
  return {
    lrs: [...o.lrs], steps, order, paths,
    loss: weakErrors(o.lrs, gd.loss, sme.loss, bootstrap, seed),
    normSq: weakErrors(o.lrs, gd.normSq, sme.normSq, bootstrap, seed + 1),
  };
}
