/**
 * The ε × p sweep (docs/math.md §4.6): each SME's weak error of R_S for every (keep, ε) cell, small
 * keep probabilities included, and the fitted order per keep where at least 3 cells stand above
 * twice both floors (Monte Carlo, integrator). Cells are shared with the weak-order study where
 * their settings coincide, and dropout GD's among the SMEs.
 */
import type { SmeMethod } from '../sme/simulate.js';
import type { SweepSection } from '../report/results.js';
import { cellErrors, cellUnit, integratorOf, type LadderConfig } from './path-cells.js';
import { finiteOrNull, type Experiment } from './units.js';
import { dataKey } from './workloads.js';

/** Settings of the sweep: the ladder at one time T, the keeps and the SMEs. */
export type SweepConfig = LadderConfig & { keeps: number[]; methods: SmeMethod[] };

export function sweepExperiment(c: SweepConfig): Experiment {
  return {
    name: 'sweep',
    units: c.keeps.flatMap((p) => (['dropout-gd', ...c.methods] as const).flatMap((m) => c.lrs.map((_, i) => cellUnit(c, p, i, m)))),
    aggregate(get): SweepSection {
      return {
        workload: `${dataKey(c.data)} · ${c.net.hidden.join('-')} ${c.net.activation}`, time: c.time, paths: c.paths, gdPaths: c.gdPaths,
        integrator: integratorOf(c), lrs: [...c.lrs], keeps: [...c.keeps],
        series: c.methods.map((method) => {
          const rows = c.keeps.map((p) => cellErrors(c, p, method, get));
          return {
            method,
            errors: rows.map((r) => Array.from(r.errors, finiteOrNull)),
            floors: rows.map((r) => Array.from(r.floors, finiteOrNull)),
            integratorErrors: rows.map((r) => Array.from(r.integrator, finiteOrNull)),
            diverged: rows.map((r) => r.diverged),
            slopes: rows.map((r) => (r.resolved ? finiteOrNull(r.slope) : null)),
            reasons: rows.map((r) => (r.resolved ? null : r.reason)),
          };
        }),
      };
    },
  };
}
