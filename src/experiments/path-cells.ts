/**
 * The cells of the weak-order study and of the ε × p sweep (docs/math.md §4): one cell is R paths of one
 * method at one (keep, ε) to time T, keeping only g(θ_N) per path (R_S and ‖θ‖²). A cell is the
 * unit of checkpointing and sharding; the weak-order study at keep p and the sweep's row for p
 * share their cells (same keys), so a reproduce run computes them once.
 */
import type { PathMethod } from '../sme/simulate.js';
import { finalValues, stepsFor, weakErrors, type ObservableErrors } from '../sme/weak-order.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, type Json, type Unit } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

/** Settings of the weak-order study and of the sweep (docs/math.md §7.2). */
export interface LadderConfig {
  data: DataChoice;
  net: NetSpec;
  lrs: number[];
  time: number;
  paths: number;
  substeps: number;
  pairs: number;
  seed: number;
  bootstrap: number;
}

export function cellKey(c: LadderConfig, keep: number, i: number, method: PathMethod): string {
  const net = netKey({ ...c.net, keep });
  return `paths/${dataKey(c.data)}/${net}/T=${c.time}/R=${c.paths}/sub=${c.substeps}/pairs=${c.pairs}/seed=${c.seed}/lr=${c.lrs[i]}/${method}`;
}

/** Seconds per path-(sub)step on 2 cores (WASM, batched paths) on the small W4 nets (measured). */
const COST_PER_STEP: Partial<Record<PathMethod, number>> = { 'dropout-gd': 0.00001, sme1: 0.00003, sme2: 0.000045 };

export function cellUnit(c: LadderConfig, keep: number, i: number, method: PathMethod): Unit {
  const lr = c.lrs[i]!, steps = stepsFor(c.time, lr);
  const sme = method === 'sme1' || method === 'sme2';
  return {
    key: cellKey(c, keep, i, method),
    cost: 0.2 + (COST_PER_STEP[method] ?? 0.00003) * steps * (sme ? c.substeps : 1) * c.paths,
    async run(ctx): Promise<Json> {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, { ...c.net, keep }, data, async (model) => {
        // seed + i per learning rate, as engine.weakOrder does, so both give the same paths.
        const r = await ctx.engine.simulate(model, data, {
          method, lr, steps, paths: c.paths, seed: c.seed + i, recordEvery: steps,
          ...(sme ? { substeps: c.substeps, pairs: c.pairs } : {}),
          onProgress: (d, t) => ctx.progress(d / t),
        });
        // A path diverged when its final R_S is not finite or above DIVERGED × its initial value.
        const diverged = Array.from({ length: c.paths }, (_, p) => p).filter((p) => !(r.loss[p * 2 + 1]! <= DIVERGED * r.loss[p * 2]!)).length;
        return { loss: Array.from(finalValues(r.loss, c.paths)), normSq: Array.from(finalValues(r.normSq, c.paths)), diverged };
      });
    },
  };
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
export function cellErrors(c: LadderConfig, keep: number, method: PathMethod, get: (key: string) => Json): CellErrors {
  const cell = (m: PathMethod, i: number) => get(cellKey(c, keep, i, m)) as { loss: Json; diverged: Json };
  const diverged = c.lrs.map((_, i) => (cell('dropout-gd', i).diverged as number) + (cell(method, i).diverged as number));
  const ok = c.lrs.map((_, i) => i).filter((i) => diverged[i] === 0);
  const finals = (m: PathMethod) => ok.map((i) => numbers(cell(m, i).loss, 'loss'));
  const e = ok.length >= 1 ? weakErrors(ok.map((i) => c.lrs[i]!), finals('dropout-gd'), finals(method), c.bootstrap, c.seed) : null;
  const spread = (a: ArrayLike<number> | undefined) => Float64Array.from(c.lrs, (_, i) => (e && ok.includes(i) ? a![ok.indexOf(i)]! : NaN));
  return {
    errors: spread(e?.errors), floors: spread(e?.floors), meanGd: spread(e?.meanGd), meanSme: spread(e?.meanSme),
    slope: e ? e.slope : NaN, interval: e ? e.interval : [NaN, NaN], fitted: e ? e.fitted.map((j) => ok[j]!) : [], diverged,
  };
}
