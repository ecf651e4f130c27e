/**
 * Figure 5: Hessian–variance alignment α(H, Σ) over training against its null model (Σ's
 * eigenvectors replaced by a random orthonormal basis, spectrum kept): α as a line, the null
 * model's mean ± sd as a grey band; R_S below on a log axis for context.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AlignmentSection } from '../results.js';
import { finite, positive } from './format.js';
import { ALPHA_COLOR, CONFIG, NULL_COLOR } from './style.js';
import { logAxis } from './log-scale.js';

const ALPHA = 'α(H, Σ) of the dropout noise';
const NULL = 'null model, mean ± sd';

/**
 * The Vega-Lite spec of α over training against its null model's mean ± sd (section alignment); null when there is nothing finite to plot.
 */
export function alignmentTrackSpec(a: AlignmentSection): TopLevelSpec | null {
  const rows: { step: number; value: number; series: string }[] = [];
  const band: { step: number; lo: number; hi: number }[] = [];
  const loss: { step: number; loss: number }[] = [];
  a.steps.forEach((step, i) => {
    if (!finite(step)) return;
    if (finite(a.alpha[i])) rows.push({ step, value: a.alpha[i]!, series: ALPHA });
    if (finite(a.nullMean[i])) {
      rows.push({ step, value: a.nullMean[i]!, series: NULL });
      if (finite(a.nullSd[i])) band.push({ step, lo: a.nullMean[i]! - a.nullSd[i]!, hi: a.nullMean[i]! + a.nullSd[i]! });
    }
    if (positive(a.loss[i])) loss.push({ step, loss: a.loss[i]! });
  });
  if (rows.length === 0) return null;
  const x = { field: 'step', type: 'quantitative', title: 'training step' } as const;
  const color = { field: 'series', type: 'nominal', title: null, scale: { domain: [ALPHA, NULL], range: [ALPHA_COLOR, NULL_COLOR] }, legend: { orient: 'bottom', direction: 'horizontal' } } as const;
  const alphaPanel = {
    width: 420,
    height: 240,
    layer: [
      {
        data: { values: band },
        mark: { type: 'area', color: NULL_COLOR, opacity: 0.22 },
        encoding: { x, y: { field: 'lo', type: 'quantitative' }, y2: { field: 'hi' } },
      },
      {
        data: { values: rows },
        mark: { type: 'line', strokeWidth: 1.8, point: { size: 22 } },
        encoding: {
          x: { ...x, axis: loss.length ? { title: null, labels: false } : {} },
          y: { field: 'value', type: 'quantitative', title: 'alignment α' },
          color,
          strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: [ALPHA, NULL], range: [[1, 0], [5, 4]] }, legend: color.legend },
          tooltip: [{ field: 'series' }, { field: 'step' }, { field: 'value', title: 'α', format: '.4~g' }],
        },
      },
    ],
  };
  const lossPanel = {
    width: 420,
    height: 90,
    data: { values: loss },
    mark: { type: 'line', color: '#555', strokeWidth: 1.4 },
    encoding: { x, y: { field: 'loss', type: 'quantitative', title: 'R_S (log)', ...logAxis(loss.map((l) => l.loss), '~g', 1.1) } },
  };
  return {
    config: CONFIG,
    title: { text: 'Hessian–noise alignment over training', subtitle: `${a.workload}; α = Tr(HΣ) / (‖H‖_F ‖Σ‖_F); band: null model mean ± sd` },
    ...(loss.length ? { vconcat: [alphaPanel, lossPanel], spacing: 6 } : alphaPanel),
  } as TopLevelSpec;
}
