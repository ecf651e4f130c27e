/**
 * Figure 4: the inverse variance–flatness relation. For each run, the PCA variance σ_i² against
 * the interval flatness F_i of its direction on log–log axes, with the fitted line
 * log σ² = −ψ log F + b; one panel per (keep, method, sample kind), side by side. Where the run
 * has a linear-response prediction in its PCA basis, the predicted variances (the window's, and
 * the stationary ones where they exist) are drawn at the same F as hollow marks.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FlatnessPrediction, FlatnessRun, FlatnessSection } from '../results.js';
import { NOISE_LABELS, finite, fmt, fmtInterval, ordered, positive } from './format.js';
import { CONFIG, NOISE_COLORS, colorOf } from './style.js';
import { logAxis } from './log-scale.js';

/** Panel heading, two lines split at '|': the run (with its keep when several), then ψ [interval] and Spearman. */
export function flatnessPanelTitle(r: FlatnessRun, withKeep = false): string {
  const keep = withKeep ? `p = ${fmt(r.keep)}, ` : '';
  return `${keep}${NOISE_LABELS[r.method] ?? r.method}, ${r.kind} samples|ψ = ${fmtInterval(r.psi, r.interval)}, Spearman ${fmt(r.spearman, 2)}`;
}

/** The run's prediction in its own (PCA) basis, if it has one. */
export function pcaPrediction(r: FlatnessRun): FlatnessPrediction | undefined {
  return r.predictions?.find((p) => p.basis === 'pca');
}

/** Legend names of the marks: what was measured and what the linear response predicts. */
export const MARKS = { point: 'measured', window: 'predicted: this window', stationary: 'predicted: stationary' } as const;

/** The directions the fit used: finite flatness and positive variance (as the fit requires). */
export function flatnessPoints(r: FlatnessRun): { F: number; variance: number; direction: number }[] {
  const out: { F: number; variance: number; direction: number }[] = [];
  r.variances.forEach((v, i) => {
    const f = r.flatness[i];
    if (positive(v) && positive(f)) out.push({ F: f, variance: v, direction: i + 1 });
  });
  return out;
}

/**
 * The Vega-Lite spec of σ² against F per run, log–log, with ψ in each panel's title (section flatness); null when there is nothing finite to plot.
 */
export function varianceFlatnessSpec(s: FlatnessSection): TopLevelSpec | null {
  const kinds = ['trajectory', 'gradient'];
  const methods = ordered([...new Set(s.runs.map((r) => r.method))], Object.keys(NOISE_LABELS));
  const keeps = [...new Set(s.runs.map((r) => r.keep))].sort((a, b) => b - a);
  const runs = [...s.runs].sort((a, b) => keeps.indexOf(a.keep) - keeps.indexOf(b.keep) || kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || methods.indexOf(a.method) - methods.indexOf(b.method));
  const rows: Record<string, unknown>[] = [];
  const panels: string[] = [];
  for (const r of runs) {
    const pts = flatnessPoints(r);
    if (pts.length === 0) continue;
    const panel = flatnessPanelTitle(r, keeps.length > 1);
    panels.push(panel);
    const method = NOISE_LABELS[r.method] ?? r.method;
    for (const p of pts) rows.push({ panel, method, role: 'point', mark: MARKS.point, ...p });
    const pred = pcaPrediction(r);
    if (pred) {
      for (const role of ['window', 'stationary'] as const) {
        const v = pred[role];
        v?.forEach((variance, i) => {
          const F = r.flatness[i];
          if (positive(variance) && positive(F)) rows.push({ panel, method, role: 'predicted', mark: MARKS[role], F, variance, direction: i + 1 });
        });
      }
    }
    // The least-squares line passes through the centroid of (log F, log σ²).
    if (pts.length >= 2 && finite(r.psi)) {
      const lx = pts.map((p) => Math.log(p.F)), ly = pts.map((p) => Math.log(p.variance));
      const mx = lx.reduce((a, b) => a + b, 0) / lx.length, my = ly.reduce((a, b) => a + b, 0) / ly.length;
      for (const x of [Math.min(...lx), Math.max(...lx)]) rows.push({ panel, method, role: 'fit', F: Math.exp(x), variance: Math.exp(my - r.psi * (x - mx)) });
    }
  }
  if (rows.length === 0) return null;
  const perRow = Math.max(1, methods.filter((m) => runs.some((r) => r.method === m)).length);
  const color = {
    field: 'method', type: 'nominal', title: null, legend: null,
    scale: { domain: methods.map((m) => NOISE_LABELS[m] ?? m), range: methods.map((m, i) => colorOf(NOISE_COLORS, m, i)) },
  } as const;
  const x = { field: 'F', type: 'quantitative', title: 'interval flatness F (log)', ...logAxis(rows.map((r) => r['F'] as number), '~g', 1.2) } as const;
  const y = { field: 'variance', type: 'quantitative', title: 'variance σ² (log)', ...logAxis(rows.map((r) => r['variance'] as number), '.0e', 1.5) } as const;
  return {
    config: CONFIG,
    title: {
      text: 'Inverse variance–flatness relation',
      subtitle: `${s.workload}, flatness threshold c = ${fmt(s.threshold)}; a line falling left to right (ψ > 0) is the inverse relation`
        + (s.runs.some(pcaPrediction) ? '; hollow: linear-response prediction (○ this window, △ stationary)' : ''),
    },
    data: { values: rows },
    facet: {
      field: 'panel', type: 'nominal', title: null, sort: panels,
      header: { labelExpr: "split(datum.value, '|')", labelFontSize: 11.5, labelPadding: 6 },
    },
    columns: perRow,
    spec: {
      width: 240,
      height: 200,
      layer: [
        {
          transform: [{ filter: "datum.role === 'point'" }],
          mark: { type: 'point', filled: true, size: 40, opacity: 0.85 },
          encoding: {
            x, y, color,
            tooltip: [{ field: 'direction' }, { field: 'F', format: '.3~g' }, { field: 'variance', title: 'σ²', format: '.3e' }],
          },
        },
        {
          transform: [{ filter: "datum.role === 'predicted'" }],
          mark: { type: 'point', filled: false, size: 46, strokeWidth: 1.4, opacity: 0.9 },
          encoding: {
            x, y, color,
            shape: { field: 'mark', type: 'nominal', title: null, scale: { domain: [MARKS.window, MARKS.stationary], range: ['circle', 'triangle-up'] } },
            tooltip: [{ field: 'mark', title: 'what' }, { field: 'direction' }, { field: 'F', format: '.3~g' }, { field: 'variance', title: 'σ²', format: '.3e' }],
          },
        },
        {
          transform: [{ filter: "datum.role === 'fit'" }],
          mark: { type: 'line', strokeWidth: 1.6, color: '#333' },
          encoding: { x, y },
        },
      ],
    },
  } as TopLevelSpec;
}
