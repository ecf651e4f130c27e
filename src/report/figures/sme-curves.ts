/**
 * Figure 1: dropout GD against its SME. R_S over time t = N·ε, one line per method (mean over
 * paths) with its lo–hi band shaded.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { SmeCurves } from '../results.js';
import { METHOD_LABELS, finite, fmt, ordered } from './format.js';
import { CONFIG, METHOD_COLORS, colorOf } from './style.js';

/**
 * The Vega-Lite spec of R_S over time, mean and band over paths, per method (section sme); null when there is nothing finite to plot.
 */
export function smeCurvesSpec(s: SmeCurves): TopLevelSpec | null {
  const names = ordered(Object.keys(s.methods), Object.keys(METHOD_LABELS));
  const label = (m: string) => METHOD_LABELS[m] ?? m;
  const lines: { t: number; method: string; rs: number }[] = [];
  const bands: { t: number; method: string; lo: number; hi: number }[] = [];
  for (const m of names) {
    const b = s.methods[m]!;
    s.times.forEach((t, i) => {
      if (!finite(t)) return;
      if (finite(b.mean[i])) lines.push({ t, method: label(m), rs: b.mean[i]! });
      if (finite(b.lo[i]) && finite(b.hi[i])) bands.push({ t, method: label(m), lo: b.lo[i]!, hi: b.hi[i]! });
    });
  }
  if (lines.length === 0) return null;
  const color = {
    field: 'method', type: 'nominal', title: null,
    scale: { domain: names.map(label), range: names.map((m, i) => colorOf(METHOD_COLORS, m, i)) },
    // One legend for bands and lines; symbolOpacity keeps it from taking the bands' faint opacity.
    legend: { orient: 'right', symbolType: 'stroke', symbolStrokeWidth: 2.5, symbolOpacity: 1 },
  } as const;
  const x = { field: 't', type: 'quantitative', title: 'time t = N·ε' } as const;
  return {
    config: CONFIG,
    title: {
      text: 'Dropout GD and its stochastic modified equation',
      subtitle: `${s.workload}, learning rate ε = ${fmt(s.lr)}, keep p = ${fmt(s.keep)}, ${s.paths} paths per method; bands: spread over paths`,
    },
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: bands },
        mark: { type: 'area', opacity: 0.16, interpolate: 'linear' },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' }, color },
      },
      {
        data: { values: lines },
        mark: { type: 'line', strokeWidth: 1.8, interpolate: 'linear' },
        encoding: {
          x,
          y: { field: 'rs', type: 'quantitative', title: 'training loss R_S', scale: { zero: false } },
          color,
          tooltip: [{ field: 'method' }, { field: 't', format: '.4~g' }, { field: 'rs', title: 'R_S', format: '.4~g' }],
        },
      },
    ],
  };
}
