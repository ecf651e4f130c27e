/**
 * The weak-order study (docs/math.md §4): for each ε of a ladder, dropout GD's paths and the SME's
 * to the same time T; the weak error e(ε) = |mean g(θ_N) − mean g(Θ_T)| for g = R_S and g = ‖θ‖²,
 * with two floors beside it: the Monte Carlo floor √(s²_GD/R_GD + s²_SME/R_pairs) and the
 * integrator's error (richardson.ts: the SME runs at h, h/2, h/4 with common random numbers and is
 * extrapolated; h does not shrink with ε). The order is the least-squares slope of log e on log ε
 * with a bootstrap 95 % interval, fitted only through the ε whose gap exceeds twice both floors,
 * and only when at least MIN_FIT_POINTS of them do: otherwise the order is "not resolved", with
 * the reason.
 */
import { checkInt, checkPositive } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { createRng } from '../data/random.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { isSme, simulatePaths, SME_METHODS, type SimulateOptions, type SmeMethod } from './simulate.js';
import { extrapolate, richardsonPaths, substepsFor, type Extrapolated } from './richardson.js';

/** The test function g of the weak error: R_S ('loss') or ‖θ‖² ('normSq'). */
export type Observable = 'loss' | 'normSq';

/** Resolved points an order needs before its slope is reported (a 2-point slope is no order). */
export const MIN_FIT_POINTS = 3;

/** Options of `engine.weakOrder` (docs/math.md §4.5). */
export interface WeakOrderOptions {
  /** Learning rates (at least 2, distinct). */
  lrs: number[];
  /** Time T: each ε runs round(T/ε) steps. */
  time: number;
  /** SME paths per ε (an even number: antithetic pairs). */
  paths: number;
  /** Dropout-GD paths per ε (default: `paths`); they are cheap, and their noise sets the floor. */
  gdPaths?: number;
  /** The integrator's coarsest step h, the same for every ε (each ε a multiple of it; default: the smallest ε). */
  step?: number;
  /** 1 or 2 (default 1): the SME 'sme1' or 'sme2'. */
  order?: 1 | 2;
  /** The SME, overriding `order`: 'sme1', 'sme2' or 'sme2c' (the corrected diffusion, docs/math.md §4.7). */
  method?: SmeMethod;
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
  /** Integrator error per learning rate: |mean (R₁ − R₂)/3| plus twice its standard error. */
  integrator: Float64Array;
  /** Means of g at T: dropout GD and the extrapolated SME. */
  meanGd: Float64Array;
  meanSme: Float64Array;
  /** Fitted order over the resolved learning rates (NaN when fewer than MIN_FIT_POINTS). */
  slope: number;
  interval: [number, number];
  /** Indices of the learning rates used in the fit (those above twice both floors). */
  fitted: number[];
  /** Whether the order is resolved (at least MIN_FIT_POINTS fitted), and why not when it is not. */
  resolved: boolean;
  reason: string | null;
}

/** What `engine.weakOrder` returns: the study for g = R_S and g = ‖θ‖². */
export interface WeakOrderResult {
  lrs: number[];
  steps: number[];
  /** The SME's drift order (2 for 'sme2c') and the SME itself. */
  order: 1 | 2;
  method: SmeMethod;
  paths: number;
  gdPaths: number;
  /** The integrator's coarsest step h. */
  step: number;
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

const list = (lrs: number[], idx: number[]) => idx.map((i) => lrs[i]).join(', ');

/** Why an order is not resolved: how many points passed, and which floor each other one is under. */
export function unresolvedReason(lrs: number[], errors: ArrayLike<number>, floors: ArrayLike<number>, integrator: ArrayLike<number>, fitted: number[]): string | null {
  if (fitted.length >= MIN_FIT_POINTS) return null;
  const rest = lrs.map((_, i) => i).filter((i) => !fitted.includes(i));
  const missing = rest.filter((i) => !Number.isFinite(errors[i]!));
  const mc = rest.filter((i) => Number.isFinite(errors[i]!) && !(errors[i]! > 2 * floors[i]!));
  const integ = rest.filter((i) => Number.isFinite(errors[i]!) && errors[i]! > 2 * floors[i]! && !(errors[i]! > 2 * integrator[i]!));
  const parts = [`${fitted.length} of ${lrs.length} learning rates resolved, ${MIN_FIT_POINTS} needed`];
  if (mc.length) parts.push(`under twice the Monte Carlo floor at ε = ${list(lrs, mc)}`);
  if (integ.length) parts.push(`under twice the integrator error at ε = ${list(lrs, integ)}`);
  if (missing.length) parts.push(`diverged or missing at ε = ${list(lrs, missing)}`);
  return parts.join('; ');
}

/**
 * Weak errors, both floors and the fitted order from the final values of g: per learning rate i,
 * gd[i] holds one value per dropout-GD path and sme[i] the extrapolated SME per antithetic pair.
 */
export function weakErrors(lrs: number[], gd: ArrayLike<number>[], sme: Extrapolated[], bootstrap: number, seed: number): ObservableErrors {
  const meanGd = Float64Array.from(gd, (a) => mean(a)), meanSme = Float64Array.from(sme, (a) => mean(a.value));
  const errors = Float64Array.from(lrs, (_, i) => Math.abs(meanGd[i]! - meanSme[i]!));
  const floors = Float64Array.from(lrs, (_, i) => Math.sqrt(variance(gd[i]!) / gd[i]!.length + variance(sme[i]!.value) / sme[i]!.value.length));
  const integrator = Float64Array.from(sme, (a) => Math.abs(mean(a.error)) + 2 * Math.sqrt(variance(a.error) / a.error.length));
  const fitted = lrs.map((_, i) => i).filter((i) => errors[i]! > 2 * floors[i]! && errors[i]! > 2 * integrator[i]!);
  const reason = unresolvedReason(lrs, errors, floors, integrator, fitted);
  const resolved = reason === null;
  const logx = fitted.map((i) => Math.log(lrs[i]!));
  const slope = resolved ? slopeOf(logx, fitted.map((i) => Math.log(errors[i]!))) : NaN;
  const rng = createRng(seed, 0xb007);
  const slopes: number[] = [];
  if (resolved) {
    // Resample dropout-GD paths and SME pairs (the independent units) at every fitted ε.
    const resampledMean = (a: ArrayLike<number>) => {
      let s = 0;
      for (let r = 0; r < a.length; r++) s += a[rng.int(a.length)]!;
      return s / a.length;
    };
    for (let b = 0; b < bootstrap; b++) {
      const logy = fitted.map((i) => Math.log(Math.abs(resampledMean(gd[i]!) - resampledMean(sme[i]!.value))));
      const s = slopeOf(logx, logy);
      if (Number.isFinite(s)) slopes.push(s);
    }
  }
  slopes.sort((a, b) => a - b);
  const q = (p: number) => (slopes.length ? slopes[Math.min(slopes.length - 1, Math.floor(p * slopes.length))]! : NaN);
  return { errors, floors, integrator, meanGd, meanSme, slope, interval: [q(0.025), q(0.975)], fitted, resolved, reason };
}

/** Final values of one observable at each Richardson level, extrapolated per antithetic pair. */
export function extrapolateFinals(levels: { loss: Float32Array; normSq: Float32Array }[], paths: number, g: Observable): Extrapolated {
  const at = levels.map((l) => finalValues(g === 'loss' ? l.loss : l.normSq, paths));
  return extrapolate(at[0]!, at[1]!, at[2]!, 2);
}

export async function weakOrder(model: Mlp, data: DeviceDataset, o: WeakOrderOptions): Promise<WeakOrderResult> {
  if (o === null || typeof o !== 'object') throw new ArgumentError('options', 'an object with lrs, time and paths', o);
  if ('substeps' in o) throw new ArgumentError('options.substeps', 'no value: the study integrates the SME with one step h for every ε (options.step) and extrapolates', (o as { substeps?: unknown }).substeps);
  if (!Array.isArray(o.lrs) || o.lrs.length < 2 || o.lrs.some((e) => typeof e !== 'number' || !(e > 0) || !Number.isFinite(e))) {
    throw new ArgumentError('options.lrs', 'an array of at least two positive learning rates', o.lrs);
  }
  checkPositive('options.time', o.time);
  const paths = checkInt('options.paths', o.paths, 2);
  if (paths % 2 !== 0) throw new ArgumentError('options.paths', 'an even number of SME paths (antithetic pairs)', paths);
  const gdPaths = checkInt('options.gdPaths', o.gdPaths ?? paths, 2);
  if (o.method !== undefined && (typeof o.method !== 'string' || !isSme(o.method))) throw new ArgumentError('options.method', SME_METHODS.map((m) => `'${m}'`).join(', '), o.method);
  const requested = o.order ?? 1;
  if (requested !== 1 && requested !== 2) throw new ArgumentError('options.order', '1 or 2', requested);
  const method: SmeMethod = o.method ?? (requested === 1 ? 'sme1' : 'sme2');
  const order = method === 'sme1' ? 1 : 2;
  const seed = checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff);
  const bootstrap = checkInt('options.bootstrap', o.bootstrap ?? 1000, 0, 1 << 20);
  const step = checkPositive('options.step', o.step ?? Math.min(...o.lrs));
  for (const lr of o.lrs) substepsFor(lr, step); // every ε a multiple of h, refused before computing
  const steps = o.lrs.map((e) => stepsFor(o.time, e));
  const gd: Record<Observable, Float64Array[]> = { loss: [], normSq: [] };
  const sme: Record<Observable, Extrapolated[]> = { loss: [], normSq: [] };
  const total = o.lrs.length * (gdPaths + paths);
  let done = 0;
  const progress = (share: number) => (o.onProgress ? (d: number, t: number) => o.onProgress!(done + (d / t) * share, total) : undefined);
  for (const [i, lr] of o.lrs.entries()) {
    const common = { lr, steps: steps[i]!, seed: seed + i, recordEvery: steps[i]! };
    const a = await simulatePaths(model, data, { ...common, paths: gdPaths, method: 'dropout-gd', onProgress: progress(gdPaths) });
    done += gdPaths;
    const b = await richardsonPaths(model, data, {
      ...common, method, step, paths, onProgress: progress(paths),
      ...(o.noise ? { noise: o.noise } : {}), ...(o.pairs ? { pairs: o.pairs } : {}),
    });
    done += paths;
    gd.loss.push(finalValues(a.loss, gdPaths));
    gd.normSq.push(finalValues(a.normSq, gdPaths));
    sme.loss.push(extrapolateFinals(b.levels, paths, 'loss'));
    sme.normSq.push(extrapolateFinals(b.levels, paths, 'normSq'));
  }
  return {
    lrs: [...o.lrs], steps, order, method, paths, gdPaths, step,
    loss: weakErrors(o.lrs, gd.loss, sme.loss, bootstrap, seed),
    normSq: weakErrors(o.lrs, gd.normSq, sme.normSq, bootstrap, seed + 1),
  };
}
