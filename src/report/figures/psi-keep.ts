/**
 * Figure 5: ψ against the keep probability p. Per keep, dropout's measured ψ (trajectory and
 * gradient samples, with their bootstrap 95 % intervals) beside the ψ of the linear-response
 * prediction of the trajectory window (PCA basis: the window's expected variances and the
 * stationary ones). Drawn when the section ran at two keeps or more (`--full`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { FlatnessSection } from '../results.js';
import { finite, fmt } from './format.js';
import { CONFIG } from './style.js';
import { pcaPrediction } from './variance-flatness.js';

export const PSI_SERIES = {
  trajectory: 'dropout trajectory (measured)',
  gradient: 'dropout gradient samples (measured)',
  window: 'predicted: this window',
  stationary: 'predicted: stationary',
} as const;
const SERIES_COLORS = ['#d1495b', '#8f6bb3', '#222222', '#9a9a9a'];

export interface PsiPoint {
  keep: number;
  series: string;
  psi: number;
  lo: number | null;
  hi: number | null;
}

/** Every finite ψ of dropout's runs and predictions, one point per (keep, series). */
export function psiPoints(s: FlatnessSection): PsiPoint[] {
  const out: PsiPoint[] = [];
  const push = (keep: number, series: string, psi: number | null, interval: readonly [number, number] | null | undefined) => {
    if (!finite(psi)) return;
    const ok = interval && finite(interval[0]) && finite(interval[1]);
    out.push({ keep, series, psi, lo: ok ? interval[0] : null, hi: ok ? interval[1] : null });
  };
  for (const r of s.runs) {
    if (r.method !== 'dropout') continue;
    push(r.keep, PSI_SERIES[r.kind], r.psi, r.interval);
    const p = pcaPrediction(r);
    if (r.kind === 'trajectory' && p) {
      push(r.keep, PSI_SERIES.window, p.fits.window.psi, p.fits.window.interval);
      if (p.fits.stationary) push(r.keep, PSI_SERIES.stationary, p.fits.stationary.psi, p.fits.stationary.interval);
    }
  }
  return out;
}

export function psiKeepSpec(s: FlatnessSection): TopLevelSpec | null {
  const pts = psiPoints(s);
  const keeps = [...new Set(pts.map((p) => p.keep))];
  if (keeps.length < 2) return null;
  const series = Object.values(PSI_SERIES).filter((name) => pts.some((p) => p.series === name));
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: series.map((n) => SERIES_COLORS[Object.values(PSI_SERIES).indexOf(n as never)]!) } } as const;
  const lo = Math.min(...keeps), hi = Math.max(...keeps), pad = 0.05 * Math.max(hi - lo, 0.1);
  // Series side by side at each keep, so intervals do not hide one another.
  const offset = { calculate: `(indexof(${JSON.stringify(series)}, datum.series) - ${(series.length - 1) / 2}) * ${0.012 * (hi - lo + 2 * pad)} + datum.keep`, as: 'x' };
  const x = { field: 'x', type: 'quantitative', title: 'keep probability p', scale: { domain: [lo - pad, hi + pad] as number[], nice: false }, axis: { values: keeps, format: '~g' } } as const;
  const ys = pts.flatMap((p) => [p.psi, p.lo, p.hi].filter(finite));
  const y = { type: 'quantitative', title: 'ψ (σ² ∝ F^−ψ)', scale: { domain: [Math.min(0, ...ys) - 0.3, Math.max(0, ...ys) + 0.3] as number[], nice: false } } as const;
  return {
    config: CONFIG,
    title: {
      text: 'ψ against keep probability',
      subtitle: `${s.workload}, c = ${fmt(s.threshold)}; bars: bootstrap 95 % intervals; ψ > 0 above the line is the inverse relation`,
    },
    width: 380,
    height: 260,
    data: { values: pts },
    layer: [
      { data: { values: [{ zero: 0 }] }, mark: { type: 'rule', color: '#b5b5b5', strokeDash: [4, 3] }, encoding: { y: { field: 'zero', ...y } } },
      {
        transform: [offset, { filter: 'datum.lo !== null' }],
        mark: { type: 'rule', strokeWidth: 1.4 },
        encoding: { x, y: { field: 'lo', ...y }, y2: { field: 'hi' }, color },
      },
      {
        transform: [offset],
        mark: { type: 'point', filled: true, size: 52, opacity: 0.9 },
        encoding: {
          x, y: { field: 'psi', ...y }, color,
          tooltip: [{ field: 'series', title: 'what' }, { field: 'keep', title: 'p' }, { field: 'psi', title: 'ψ', format: '.3~g' }, { field: 'lo', format: '.3~g' }, { field: 'hi', format: '.3~g' }],
        },
      },
    ],
  } as TopLevelSpec;
}
