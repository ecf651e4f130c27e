/**
 * Figure 2: the weak-order study, one panel per regime. Weak error against ε on log–log axes for
 * each SME (orders 1 and 2, and order 2 with the corrected diffusion), each with both its floors — the Monte Carlo floor (dashed) and the SME integrator's error
 * (dash-dot) — and reference slopes ε¹ and ε² anchored at the largest ε. Filled points are the
 * ones the fitted slope used (gap above twice both floors); an SME with fewer than 3 such points
 * says "not resolved" in the legend instead of a slope.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { WeakOrderSection, WeakOrderSeries } from '../results.js';
import { fmt, fmtInterval, positive } from './format.js';
import { CONFIG, METHOD_COLORS, colorOf } from './style.js';
import { smeLegend } from '../sme-names.js';
import { logAxis } from './log-scale.js';

/** The legend label of one series: its SME and fitted slope with interval. */
export function weakOrderLabel(s: WeakOrderSeries): string {
  return !s.resolved || s.slope === null || !Number.isFinite(s.slope)
    ? `${smeLegend(s.method)}: not resolved (${s.fitted.length} points)`
    : `${smeLegend(s.method)}: slope ${fmtInterval(s.slope, s.interval)}`;
}

const ORDER: readonly string[] = ['sme1', 'sme2', 'sme2c'];
const byMethod = (a: WeakOrderSeries, b: WeakOrderSeries) => ORDER.indexOf(a.method) - ORDER.indexOf(b.method);

/** The weak-order figure: one panel per regime side by side; null when no panel has anything finite. */
export function weakOrderSpec(sections: WeakOrderSection[]): TopLevelSpec | null {
  const panels = sections.map(weakOrderPanel).filter((p): p is TopLevelSpec => p !== null);
  if (panels.length === 0) return null;
  return { config: CONFIG, hconcat: panels, resolve: { scale: { color: 'independent', y: 'independent' }, legend: { color: 'independent' } } } as TopLevelSpec;
}

/**
 * One regime's panel: weak error against ε, log–log, per SME, with floors and fitted slopes; null
 * when there is nothing finite to plot.
 */
export function weakOrderPanel(w: WeakOrderSection): TopLevelSpec | null {
  const series = [...w.series].sort(byMethod);
  const points: { eps: number; error: number; series: string; fitted: boolean }[] = [];
  const floors: { eps: number; floor: number; series: string }[] = [];
  const integ: { eps: number; floor: number; series: string }[] = [];
  for (const s of series) {
    w.lrs.forEach((eps, i) => {
      if (!positive(eps)) return;
      if (positive(s.errors[i])) points.push({ eps, error: s.errors[i]!, series: weakOrderLabel(s), fitted: s.fitted.includes(i) });
      if (positive(s.floors[i])) floors.push({ eps, floor: s.floors[i]!, series: weakOrderLabel(s) });
      if (positive(s.integratorErrors[i])) integ.push({ eps, floor: s.integratorErrors[i]!, series: weakOrderLabel(s) });
    });
  }
  if (points.length === 0) return null;
  // Reference lines c·ε^k through the order-k SME's error at the largest ε (or another SME's).
  const eps = points.map((p) => p.eps);
  const lo = Math.min(...eps), hi = Math.max(...eps);
  const refs: { eps: number; value: number; ref: string }[] = [];
  const labelOf = new Map(series.map((s) => [s.method, weakOrderLabel(s)]));
  for (const k of [1, 2]) {
    const prefer = k === 1 ? ['sme1', 'sme2', 'sme2c'] : ['sme2', 'sme2c', 'sme1'];
    const anchor = prefer.map((m) => points.find((p) => p.eps === hi && p.series === labelOf.get(m as WeakOrderSeries['method']))).find((p) => p);
    if (!anchor || lo === hi) continue;
    const name = k === 1 ? '∝ ε' : '∝ ε²';
    for (const e of [lo, hi]) refs.push({ eps: e, value: anchor.error * (e / hi) ** k, ref: name });
  }
  const labels = series.map(weakOrderLabel);
  const color = {
    field: 'series', type: 'nominal', title: null,
    scale: { domain: labels, range: series.map((s, i) => colorOf(METHOD_COLORS, s.method, i)) },
  } as const;
  const x = { field: 'eps', type: 'quantitative', title: 'learning rate ε (log)', ...logAxis(eps, '~g', 1.25) } as const;
  const yAxis = logAxis([...points.map((p) => p.error), ...floors.map((f) => f.floor), ...integ.map((f) => f.floor), ...refs.map((r) => r.value)], '~g', 1.5);
  const y = (field: string) => ({ field, type: 'quantitative', title: 'weak error |E g(θ_N) − E g(Θ_Nε)| (log)', ...yAxis }) as const;
  return {
    title: {
      text: `Weak order of the SMEs: ${w.regime} regime, T = ${fmt(w.time)}`,
      subtitle: [
        `${w.workload}, g = R_S, keep p = ${fmt(w.keep)}; ${w.gdPaths} dropout-GD paths, ${w.paths} SME paths, h = ${fmt(w.integrator.step)}`,
        'dashed: Monte Carlo floor; dash-dot: integrator error; dotted grey: reference slopes; corrected: order-2 drift, corrected diffusion',
      ],
    },
    width: 380,
    height: 280,
    layer: [
      {
        data: { values: refs },
        mark: { type: 'line', color: '#b5b5b5', strokeDash: [1.5, 3], strokeWidth: 1.3 },
        encoding: { x, y: y('value'), detail: { field: 'ref' } },
      },
      {
        data: { values: refs.filter((r) => r.eps === lo) },
        mark: { type: 'text', color: '#777', align: 'left', baseline: 'top', dx: 2, dy: 6, fontSize: 11 },
        encoding: { x, y: y('value'), text: { field: 'ref' } },
      },
      {
        data: { values: floors },
        mark: { type: 'line', strokeDash: [5, 4], strokeWidth: 1.2, opacity: 0.8 },
        encoding: { x, y: y('floor'), color },
      },
      {
        data: { values: integ },
        mark: { type: 'line', strokeDash: [6, 3, 1, 3], strokeWidth: 1.2, opacity: 0.8 },
        encoding: { x, y: y('floor'), color },
      },
      {
        data: { values: points },
        mark: { type: 'line', strokeWidth: 1.8 },
        encoding: { x, y: y('error'), color },
      },
      // Points the fit used are filled; the others (e.g. under the floor) are hollow.
      ...[true, false].map((fitted) => ({
        data: { values: points.filter((p) => p.fitted === fitted) },
        mark: { type: 'point', size: 48, strokeWidth: 1.5, opacity: 1, filled: fitted, ...(fitted ? {} : { fill: 'white' }) },
        encoding: {
          x, y: y('error'), color,
          tooltip: [{ field: 'series' }, { field: 'eps', title: 'ε', format: '.4~g' }, { field: 'error', format: '.3e' }, { field: 'fitted' }],
        },
      })),
    ],
  } as TopLevelSpec;
}
