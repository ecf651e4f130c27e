/**
 * Figure 4: the inverse variance–flatness relation. For each run, the PCA variance σ_i² against
 * the interval flatness F_i of its direction on log–log axes, with the fitted line
 * log σ² = −ψ log F + b; one panel per (method, sample kind), side by side.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FlatnessRun, FlatnessSection } from '../results.js';
import { NOISE_LABELS, finite, fmt, fmtInterval, ordered, positive } from './format.js';
import { CONFIG, NOISE_COLORS, colorOf } from './style.js';
import { logAxis } from './log-scale.js';

/** Panel heading, two lines split at '|': the run, then ψ [interval] and Spearman. */
export function flatnessPanelTitle(r: FlatnessRun): string {
  return `${NOISE_LABELS[r.method] ?? r.method}, ${r.kind} samples|ψ = ${fmtInterval(r.psi, r.interval)}, Spearman ${fmt(r.spearman, 2)}`;
}

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
  const runs = [...s.runs].sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || methods.indexOf(a.method) - methods.indexOf(b.method));
  const rows: Record<string, unknown>[] = [];
  const panels: string[] = [];
  for (const r of runs) {
    const pts = flatnessPoints(r);
    if (pts.length === 0) continue;
    const panel = flatnessPanelTitle(r);
    panels.push(panel);
    const method = NOISE_LABELS[r.method] ?? r.method;
    for (const p of pts) rows.push({ panel, method, role: 'point', ...p });
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
      subtitle: `${s.workload}, flatness threshold c = ${fmt(s.threshold)}; a line falling left to right (ψ > 0) is the inverse relation`,
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
          transform: [{ filter: "datum.role === 'fit'" }],
          mark: { type: 'line', strokeWidth: 1.6, color: '#333' },
          encoding: { x, y },
        },
      ],
    },
  } as TopLevelSpec;
}
