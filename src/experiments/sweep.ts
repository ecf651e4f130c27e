/**
 * The ε × p sweep (docs/math.md §4): the order-1 weak error of R_S for every (keep, ε) cell, small keep
 * probabilities included, and the fitted order per keep. Cells are shared with the weak-order
 * study where their settings coincide.
 */
import type { SweepSection } from '../report/results.js';
import { cellErrors, cellUnit, type LadderConfig } from './path-cells.js';
import { finiteOrNull, type Experiment } from './units.js';
import { dataKey } from './workloads.js';

export function sweepExperiment(c: LadderConfig, keeps: number[]): Experiment {
  return {
    name: 'sweep',
    units: keeps.flatMap((p) => (['dropout-gd', 'sme1'] as const).flatMap((m) => c.lrs.map((_, i) => cellUnit(c, p, i, m)))),
    aggregate(get): SweepSection {
      const rows = keeps.map((p) => cellErrors(c, p, 'sme1', get));
      return {
        workload: `${dataKey(c.data)} · ${c.net.hidden.join('-')} ${c.net.activation}`, time: c.time, paths: c.paths,
        lrs: [...c.lrs], keeps: [...keeps],
        errors: rows.map((r) => Array.from(r.errors, finiteOrNull)),
        floors: rows.map((r) => Array.from(r.floors, finiteOrNull)),
        diverged: rows.map((r) => r.diverged),
        slopes: rows.map((r) => finiteOrNull(r.slope)),
      };
    },
  };
}
