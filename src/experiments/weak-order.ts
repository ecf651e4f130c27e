/**
 * The weak-order study (docs/math.md §4.5, §4.7, W4): each SME against dropout GD over a ladder of
 * learning rates, in each declared regime (one time T each), with the Monte Carlo floor, the
 * integrator's error, and the fitted order's bootstrap interval where it is resolved. Dropout GD's
 * cells are shared by the SMEs of a regime (same keys).
 */
import type { SmeMethod } from '../sme/simulate.js';
import type { WeakOrderSection, WeakOrderSeries } from '../report/results.js';
import { cellErrors, cellUnit, integratorOf, type LadderConfig } from './path-cells.js';
import { finiteOrNull, type Experiment } from './units.js';
import { dataKey } from './workloads.js';
import { netKey } from './model-spec.js';

/** Settings of the weak-order study: the ladder, the SMEs, and the regimes (a name and a time T each). */
export type WeakOrderConfig = Omit<LadderConfig, 'time'> & { methods: SmeMethod[]; regimes: string[]; times: number[] };

export function weakOrderExperiment(c: WeakOrderConfig): Experiment {
  const keep = c.net.keep;
  const ladders = c.times.map((time) => ({ ...c, time }));
  return {
    name: 'weakOrder',
    units: ladders.flatMap((l) => (['dropout-gd', ...c.methods] as const).flatMap((m) => l.lrs.map((_, i) => cellUnit(l, keep, i, m)))),
    aggregate(get): WeakOrderSection[] {
      return ladders.map((l, r) => {
        const series: WeakOrderSeries[] = c.methods.map((method) => {
          const e = cellErrors(l, keep, method, get);
          const ok = e.resolved && Number.isFinite(e.slope);
          return {
            method, errors: Array.from(e.errors, finiteOrNull), floors: Array.from(e.floors, finiteOrNull),
            integratorErrors: Array.from(e.integrator, finiteOrNull),
            slope: ok ? e.slope : null, interval: ok ? [e.interval[0], e.interval[1]] : null, fitted: e.fitted,
            resolved: ok, reason: ok ? null : e.reason ?? 'the fit failed', diverged: e.diverged,
          };
        });
        return {
          regime: c.regimes[r]!, workload: `${dataKey(c.data)} · ${netKey(c.net)}`, keep, time: l.time, paths: c.paths, gdPaths: c.gdPaths,
          integrator: integratorOf(l), lrs: [...c.lrs], series,
        };
      });
    },
  };
}
