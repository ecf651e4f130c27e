/**
 * Figure 6: projected variance u_jᵀ C u_j against the Hessian eigenvalue λ_j on log–log axes, at
 * the end of training. Points rising to the right are the Hessian–variance relation.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { AlignmentSection } from '../results.js';
import { fmt, positive } from './format.js';
import { ALPHA_COLOR, CONFIG } from './style.js';
import { logAxis } from './log-scale.js';

/** The eigenpairs a log–log plot can draw: λ_j > 0 and u_jᵀ C u_j > 0. */
export function projectedPoints(a: AlignmentSection): { lambda: number; variance: number; j: number }[] {
  const out: { lambda: number; variance: number; j: number }[] = [];
  a.eigenvalues.forEach((lambda, i) => {
    const v = a.projectedVariance[i];
    if (positive(lambda) && positive(v)) out.push({ lambda, variance: v, j: i + 1 });
  });
  return out;
}

/**
 * The Vega-Lite spec of the noise variance u_jᵀΣu_j against the Hessian eigenvalue λ_j, log–log (section alignment); null when there is nothing finite to plot.
 */
export function projectedVarianceSpec(a: AlignmentSection): TopLevelSpec | null {
  const pts = projectedPoints(a);
  if (pts.length === 0) return null;
  return {
    config: CONFIG,
    title: {
      text: `Projected variance against Hessian eigenvalue (Spearman ${fmt(a.spearman, 2)})`,
      subtitle: `${a.workload}, end of training, top ${a.eigenvalues.length} eigenpairs (λ_j, u_j); C: sample covariance`,
    },
    width: 360,
    height: 260,
    data: { values: pts },
    mark: { type: 'point', filled: true, size: 46, color: ALPHA_COLOR, opacity: 0.85 },
    encoding: {
      x: { field: 'lambda', type: 'quantitative', title: 'Hessian eigenvalue λ_j (log)', ...logAxis(pts.map((p) => p.lambda), '~g', 1.25) },
      y: { field: 'variance', type: 'quantitative', title: 'projected variance u_jᵀ C u_j (log)', ...logAxis(pts.map((p) => p.variance), '.0e', 1.4) },
      tooltip: [{ field: 'j' }, { field: 'lambda', title: 'λ', format: '.4~g' }, { field: 'variance', format: '.3e' }],
    },
  } as TopLevelSpec;
}
