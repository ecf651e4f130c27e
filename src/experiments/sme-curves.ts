/**
 * Dropout GD against its SME (docs/math.md §4, W3): from the same initial θ, P paths of each method,
 * R_S recorded along the way; the report draws the mean and a 10–90 % band over paths. One unit
 * per method.
 */
import type { PathMethod } from '../sme/simulate.js';
import type { SmeCurves } from '../report/results.js';
import { bandOverPaths } from './bands.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, type Experiment, type Json } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

/** Settings of the sme section (docs/math.md §7.2). */
export interface SmeCurvesConfig {
  data: DataChoice;
  net: NetSpec;
  lr: number;
  steps: number;
  paths: number;
  recordEvery: number;
  /** Mask pairs of the SME's noise sampler. */
  pairs: number;
  methods: PathMethod[];
  seed: number;
}

/**
 * Seconds per path-step on 2 cores (WASM, batched paths), per method, per 1000 samples of a 784-50-10
 * net (measured; sme2c not measured apart: it runs sme2's passes, one HVP a step, so it takes sme2's).
 */
const COST: Record<PathMethod, number> = { 'dropout-gd': 0.008, gd: 0.008, 'gd-modified': 0.008, sme1: 0.015, sme2: 0.033, sme2c: 0.033 };

export function smeCurves(c: SmeCurvesConfig): Experiment {
  const base = `sme/${dataKey(c.data)}/${netKey(c.net)}/lr=${c.lr}/steps=${c.steps}/paths=${c.paths}/every=${c.recordEvery}/pairs=${c.pairs}/seed=${c.seed}`;
  const scale = (c.data.n ?? 8000) / 1000;
  return {
    name: 'sme',
    units: c.methods.map((method) => ({
      key: `${base}/${method}`,
      cost: COST[method] * scale * c.steps * c.paths,
      async run(ctx): Promise<Json> {
        const data = await ctx.workloads.get(c.data);
        return withModel(ctx.engine, c.net, data, async (model) => {
          const r = await ctx.engine.simulate(model, data, {
            method, lr: c.lr, steps: c.steps, paths: c.paths, seed: c.seed, recordEvery: c.recordEvery, pairs: c.pairs, signal: ctx.signal,
            onProgress: (d, t) => ctx.progress(d / t),
          });
          return { times: Array.from(r.times), loss: Array.from(r.loss) };
        });
      },
    })),
    aggregate(get): SmeCurves {
      const out: SmeCurves = { workload: `${dataKey(c.data)} · ${netKey(c.net)}`, lr: c.lr, keep: c.net.keep, paths: c.paths, times: [], methods: {} };
      for (const method of c.methods) {
        const r = get(`${base}/${method}`) as { times: Json; loss: Json };
        out.times = numbers(r.times, 'times');
        out.methods[method] = bandOverPaths(numbers(r.loss, 'loss'), c.paths, out.times.length);
      }
      return out;
    },
  };
}
