/**
 * The cells of the weak-order study and of the ε × p sweep (docs/math.md §4): one cell is the paths
 * of one method at one (keep, ε) to time T, keeping only g at T (R_S and ‖θ‖²): per path for dropout
 * GD, per antithetic pair and Richardson-extrapolated (richardson.ts, with its error estimate) for
 * the SME. A cell is the unit of checkpointing and sharding; the weak-order study at keep p and the
 * sweep's row for p share their cells (same keys), so a reproduce run computes them once.
 */
import { isSme, type PathMethod, type SmeMethod } from '../sme/simulate.js';
import { extrapolateFinals, finalValues, stepsFor, unresolvedReason, weakErrors, type ObservableErrors } from '../sme/weak-order.js';
import { LEVELS, richardsonPaths, substepsFor } from '../sme/richardson.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, type Json, type Unit } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

/** Settings of the weak-order study and of the sweep (docs/math.md §7.2). */
export interface LadderConfig {
  data: DataChoice;
  net: NetSpec;
  lrs: number[];
  time: number;
  /** SME paths per cell (even: antithetic pairs), and dropout-GD paths per cell. */
  paths: number;
  gdPaths: number;
  /** The SME integrator's coarsest step h, the same for every ε (richardson.ts). */
  step: number;
  pairs: number;
  seed: number;
  bootstrap: number;
}

export function cellKey(c: LadderConfig, keep: number, i: number, method: PathMethod): string {
  const net = netKey({ ...c.net, keep });
  const run = isSme(method) ? `R=${c.paths}/h=${c.step}/pairs=${c.pairs}` : `R=${c.gdPaths}`;
  return `paths/${dataKey(c.data)}/${net}/T=${c.time}/${run}/seed=${c.seed}/lr=${c.lrs[i]}/${method}`;
}

/**
 * Seconds per path-(sub)step on 2 cores (WASM, batched paths) on the small W4 nets (measured; sme2c
 * runs sme2's passes, one HVP a step, so it takes sme2's).
 */
const COST_PER_STEP: Partial<Record<PathMethod, number>> = { 'dropout-gd': 0.00001, sme1: 0.00003, sme2: 0.000045, sme2c: 0.000045 };

/** Paths of a run (records at 0 and T only) whose final R_S is not finite or above DIVERGED × its initial value. */
const divergedPaths = (loss: Float32Array, paths: number) =>
  Array.from({ length: paths }, (_, p) => p).filter((p) => !(loss[p * 2 + 1]! <= DIVERGED * loss[p * 2]!)).length;

export function cellUnit(c: LadderConfig, keep: number, i: number, method: PathMethod): Unit {
  const lr = c.lrs[i]!, steps = stepsFor(c.time, lr);
  // Sub-steps at h, h/2, h/4 add up to 7 of h's; the SME runs at every level.
  const work = isSme(method) ? c.paths * steps * substepsFor(lr, c.step) * ((1 << LEVELS) - 1) : c.gdPaths * steps;
  return {
    key: cellKey(c, keep, i, method),
    cost: 0.2 + (COST_PER_STEP[method] ?? 0.00003) * work,
    async run(ctx): Promise<Json> {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, { ...c.net, keep }, data, async (model) => {
        // seed + i per learning rate, as engine.weakOrder does, so both give the same paths.
        const common = { lr, steps, seed: c.seed + i, signal: ctx.signal, onProgress: (d: number, t: number) => ctx.progress(d / t) };
        if (!isSme(method)) {
          const r = await ctx.engine.simulate(model, data, { ...common, method, paths: c.gdPaths, recordEvery: steps });
          const cell: Json = { loss: Array.from(finalValues(r.loss, c.gdPaths)), normSq: Array.from(finalValues(r.normSq, c.gdPaths)), diverged: divergedPaths(r.loss, c.gdPaths) };
          return cell;
        }
        const r = await richardsonPaths(model, data, { ...common, method, step: c.step, paths: c.paths, pairs: c.pairs });
        const loss = extrapolateFinals(r.levels, c.paths, 'loss'), normSq = extrapolateFinals(r.levels, c.paths, 'normSq');
        return {
          loss: Array.from(loss.value), lossError: Array.from(loss.error),
          normSq: Array.from(normSq.value), normSqError: Array.from(normSq.error),
          diverged: Math.max(...r.levels.map((l) => divergedPaths(l.loss, c.paths))),
        };
      });
    },
  };
}

/** The integrator's description for results.json. */
export function integratorOf(c: LadderConfig): { scheme: string; step: number } {
  return { scheme: 'Euler–Maruyama at h, h/2, h/4 with common random numbers, Richardson-extrapolated; antithetic pairs', step: c.step };
}

/** R_S growing past this factor of its initial value marks a path as diverged. */
export const DIVERGED = 1e3;

export interface CellErrors extends ObservableErrors {
  /** Per learning rate: paths that diverged (dropout GD and SME together); such ε get NaN errors. */
  diverged: number[];
}

/**
 * Weak errors of g = R_S at one keep for an SME method, from stored cells. Learning rates where
 * any path diverged get NaN error and floor and stay out of the fit (a mean over exploding
 * paths measures nothing).
 */
export function cellErrors(c: LadderConfig, keep: number, method: SmeMethod, get: (key: string) => Json): CellErrors {
  const cell = (m: PathMethod, i: number) => get(cellKey(c, keep, i, m)) as { loss: Json; lossError: Json; diverged: Json };
  const diverged = c.lrs.map((_, i) => (cell('dropout-gd', i).diverged as number) + (cell(method, i).diverged as number));
  const ok = c.lrs.map((_, i) => i).filter((i) => diverged[i] === 0);
  const gd = ok.map((i) => numbers(cell('dropout-gd', i).loss, 'loss'));
  const sme = ok.map((i) => ({ value: Float64Array.from(numbers(cell(method, i).loss, 'loss')), error: Float64Array.from(numbers(cell(method, i).lossError, 'lossError')) }));
  const e = ok.length >= 1 ? weakErrors(ok.map((i) => c.lrs[i]!), gd, sme, c.bootstrap, c.seed) : null;
  const spread = (a: ArrayLike<number> | undefined) => Float64Array.from(c.lrs, (_, i) => (e && ok.includes(i) ? a![ok.indexOf(i)]! : NaN));
  const errors = spread(e?.errors), floors = spread(e?.floors), integrator = spread(e?.integrator);
  const fitted = e ? e.fitted.map((j) => ok[j]!) : [];
  // The reason is stated over the whole ladder, diverged ε included.
  const reason = e?.resolved ? null : unresolvedReason(c.lrs, errors, floors, integrator, fitted);
  return {
    errors, floors, integrator, meanGd: spread(e?.meanGd), meanSme: spread(e?.meanSme),
    slope: e ? e.slope : NaN, interval: e ? e.interval : [NaN, NaN], fitted, diverged, resolved: reason === null, reason,
  };
}
