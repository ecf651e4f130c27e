/**
 * The weak-order study (docs/math.md §4, W4): order-1 and order-2 SME against dropout GD over a ladder
 * of learning rates, with the Monte Carlo floor and the fitted order's bootstrap interval.
 */
import type { WeakOrderSection, WeakOrderSeries } from '../report/results.js';
import { cellErrors, cellUnit, type LadderConfig } from './path-cells.js';
import { finiteOrNull, type Experiment } from './units.js';
import { dataKey } from './workloads.js';
import { netKey } from './model-spec.js';

export function weakOrderExperiment(c: LadderConfig, orders: (1 | 2)[] = [1, 2]): Experiment {
  const keep = c.net.keep;
  const methods = ['dropout-gd' as const, ...orders.map((o) => (o === 1 ? 'sme1' as const : 'sme2' as const))];
  return {
    name: 'weakOrder',
    units: methods.flatMap((m) => c.lrs.map((_, i) => cellUnit(c, keep, i, m))),
    aggregate(get): WeakOrderSection {
      const series: WeakOrderSeries[] = orders.map((order) => {
        const e = cellErrors(c, keep, order === 1 ? 'sme1' : 'sme2', get);
        const ok = Number.isFinite(e.slope);
        return {
          order, errors: Array.from(e.errors, finiteOrNull), floors: Array.from(e.floors, finiteOrNull),
          slope: ok ? e.slope : null, interval: ok ? [e.interval[0], e.interval[1]] : null, fitted: e.fitted, diverged: e.diverged,
        };
      });
      return { workload: `${dataKey(c.data)} · ${netKey(c.net)}`, keep, time: c.time, paths: c.paths, lrs: [...c.lrs], series };
    },
  };
}
