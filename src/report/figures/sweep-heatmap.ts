/**
 * Figure 3: the ε × p sweep, one panel per SME. Weak error of R_S per (keep p, learning rate ε) on
 * a log colour scale; cells whose error is not above twice its Monte Carlo floor and twice the SME
 * integrator's error are grey and say which floor, since there the error is not resolved; cells
 * where paths diverged (small p, large ε) say that. A keep's order is given only where resolved.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SweepSection, SweepSeries } from '../results.js';
import { smeLabel } from '../sme-names.js';
import { finite, fmt, positive } from './format.js';
import { CONFIG } from './style.js';

export interface SweepCell {
  eps: number;
  epsLabel: string;
  keep: number;
  keepLabel: string;
  /** null where paths diverged. */
  error: number | null;
  floor: number | null;
  /** The error is not above twice its Monte Carlo floor or twice the integrator error (or is 0): not resolved. */
  belowFloor: boolean;
  /** Paths diverged in this cell: no error is defined. */
  diverged: boolean;
  text: string;
  dark: boolean;
}

/** The cells one SME's heatmap draws: every (p, ε) with a finite error. */
export function sweepCells(s: SweepSection, series: SweepSeries): SweepCell[] {
  const cells: SweepCell[] = [];
  s.keeps.forEach((keep, r) => {
    if (!finite(keep)) return;
    const slope = series.slopes[r];
    const keepLabel = `p = ${fmt(keep)}` + (finite(slope) ? `  (order ${fmt(slope, 2)})` : '  (not resolved)');
    s.lrs.forEach((eps, c) => {
      const error = series.errors[r]?.[c], floor = series.floors[r]?.[c], diverged = (series.diverged?.[r]?.[c] ?? 0) > 0;
      if (!finite(eps)) return;
      if (!finite(error)) {
        if (diverged) cells.push({ eps, epsLabel: fmt(eps), keep, keepLabel, error: null, floor: null, belowFloor: false, diverged, text: 'diverged', dark: false });
        return;
      }
      const integ = series.integratorErrors?.[r]?.[c];
      const underMc = finite(floor) && error <= 2 * floor, underInteg = finite(integ) && error <= 2 * integ;
      const belowFloor = !positive(error) || underMc || underInteg;
      const text = !belowFloor ? fmt(error, 2) : underMc || !positive(error) ? '< MC floor' : '< integrator';
      cells.push({ eps, epsLabel: fmt(eps), keep, keepLabel, error, floor: finite(floor) ? floor : null, belowFloor, diverged: false, text, dark: false });
    });
  });
  // Dark cells (low end of viridis) get white text: below the geometric middle of the range.
  const resolved = (c: SweepCell) => !c.belowFloor && !c.diverged;
  const logs = cells.filter(resolved).map((c) => Math.log(c.error!));
  const mid = (Math.min(...logs) + Math.max(...logs)) / 2;
  for (const c of cells) c.dark = resolved(c) && Math.log(c.error!) < mid;
  return cells;
}

/** The sweep figure: one heatmap per SME, stacked; null when none has anything finite to plot. */
export function sweepHeatmapSpec(s: SweepSection): TopLevelSpec | null {
  const panels = s.series.map((series, i) => sweepPanel(s, series, i === 0)).filter((p): p is TopLevelSpec => p !== null);
  if (panels.length === 0) return null;
  return { config: CONFIG, vconcat: panels, resolve: { scale: { color: 'independent' }, legend: { color: 'independent' } } } as TopLevelSpec;
}

/** One SME's heatmap of weak errors over keep × learning rate; null when there is nothing finite to plot. */
function sweepPanel(s: SweepSection, series: SweepSeries, first: boolean): TopLevelSpec | null {
  const cells = sweepCells(s, series);
  if (cells.length === 0) return null;
  // The colour legend labels its two ends only: Vega thins crowded log-legend labels by measured
  // text widths, which differ between a browser and Node, so a narrow domain drew different labels.
  const resolved = cells.filter((c) => !c.belowFloor && !c.diverged).map((c) => c.error!);
  const ends = [...new Set([Math.min(...resolved), Math.max(...resolved)])];
  const x = { field: 'epsLabel', type: 'ordinal', title: 'learning rate ε', sort: { field: 'eps', op: 'min', order: 'ascending' }, axis: { labelAngle: 0 } } as const;
  const y = { field: 'keepLabel', type: 'ordinal', title: null, sort: { field: 'keep', op: 'min', order: 'descending' }, axis: { labelLimit: 240 } } as const;
  return {
    title: {
      text: `Weak error of the SME (${smeLabel(series.method)}) over ε × p`,
      ...(first ? { subtitle: `${s.workload}, g = R_S at time T = ${fmt(s.time)}, ${s.paths} paths per cell; grey: not above twice the Monte Carlo floor or twice the integrator error; red: dropout GD or the SME diverged` } : {}),
    },
    data: { values: cells },
    width: { step: 58 },
    height: { step: 30 },
    encoding: { x, y },
    layer: [
      // The colour layer only where some error is resolved: a log scale needs a non-empty domain.
      ...(cells.some((c) => !c.belowFloor && !c.diverged) ? [
        {
          transform: [{ filter: '!datum.belowFloor && !datum.diverged' }],
          mark: { type: 'rect', stroke: 'white', strokeWidth: 1 },
          encoding: {
            color: {
              field: 'error', type: 'quantitative', title: 'weak error',
              scale: { type: 'log', scheme: 'viridis' }, legend: { format: '.1e', values: ends, gradientLength: Math.max(90, 30 * s.keeps.length) },
            },
            tooltip: [{ field: 'keep', title: 'p' }, { field: 'eps', title: 'ε' }, { field: 'error', format: '.3e' }, { field: 'floor', format: '.3e' }],
          },
        },
      ] : []),
      {
        transform: [{ filter: 'datum.belowFloor' }],
        mark: { type: 'rect', fill: '#e6e6e6', stroke: 'white', strokeWidth: 1 },
        encoding: { tooltip: [{ field: 'keep', title: 'p' }, { field: 'eps', title: 'ε' }, { field: 'error', format: '.3e' }, { field: 'floor', format: '.3e' }] },
      },
      {
        transform: [{ filter: 'datum.diverged' }],
        mark: { type: 'rect', fill: '#f3d3d0', stroke: 'white', strokeWidth: 1 },
        encoding: { tooltip: [{ field: 'keep', title: 'p' }, { field: 'eps', title: 'ε' }, { field: 'text' }] },
      },
      {
        transform: [{ filter: '!datum.belowFloor && !datum.diverged' }],
        mark: { type: 'text', fontSize: 10 },
        encoding: { text: { field: 'text' }, color: { condition: { test: 'datum.dark', value: 'white' }, value: '#222' } },
      },
      {
        transform: [{ filter: 'datum.belowFloor || datum.diverged' }],
        mark: { type: 'text', fontSize: 10, fontStyle: 'italic', color: '#666' },
        encoding: { text: { field: 'text' } },
      },
    ],
  } as TopLevelSpec;
}
