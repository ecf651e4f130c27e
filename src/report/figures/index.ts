/**
 * The report's figures in order: for each, the results section it draws, its Vega-Lite spec
 * builder and a caption that says how to read it. `figureSpecs` is pure (no vega needed), so
 * the browser lab can render the same specs in the page.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Results } from '../results.js';
import { checkResults } from '../check.js';
import { smeCurvesSpec } from './sme-curves.js';
import { weakOrderSpec } from './weak-order.js';
import { sweepHeatmapSpec } from './sweep-heatmap.js';
import { varianceFlatnessSpec } from './variance-flatness.js';
import { psiKeepSpec } from './psi-keep.js';
import { alignmentTrackSpec } from './alignment-track.js';
import { projectedVarianceSpec } from './projected-variance.js';

import type { SectionName } from '../results.js';
export type { SectionName };

/** The report's figures, by the file name each gets (`<id>.svg`). */
export type FigureId = 'sme-curves' | 'weak-order' | 'sweep-heatmap' | 'variance-flatness' | 'psi-keep' | 'alignment-track' | 'projected-variance';

/** One figure of the report: its Vega-Lite spec with the title and caption the report shows. */
export interface FigureSpec {
  /** Which figure. */
  id: FigureId;
  /** The results section it draws. */
  section: SectionName;
  /** Its title. */
  title: string;
  /** How to read it, in two or three plain sentences. */
  caption: string;
  /** The Vega-Lite spec, data inlined: compile it with vega-lite and render it with vega. */
  spec: TopLevelSpec;
}

/** One figure of {@link FIGURES}: what it draws, and how its spec is built from results. */
export interface FigureEntry {
  /** Which figure. */
  id: FigureId;
  /** The results section it draws. */
  section: SectionName;
  /** Its title. */
  title: string;
  /** How to read it. */
  caption: string;
  /** Its spec from results (null when the section is absent or has nothing finite to plot). */
  build: (r: Results) => TopLevelSpec | null;
}

/** Every figure of the report, in report order (what {@link figureSpecs} walks). */
export const FIGURES: readonly FigureEntry[] = [
  {
    id: 'sme-curves', section: 'sme', title: 'Dropout GD against its SME',
    caption: 'Each line is the training loss R_S averaged over independent paths, and its shaded band the spread over those paths. '
      + 'Where the SME is a good weak approximation its lines and bands lie on top of dropout GD’s. '
      + 'GD on L_S is the SME’s drift without noise; GD on R_S is training without dropout.',
    build: (r) => (r.sme ? smeCurvesSpec(r.sme) : null),
  },
  {
    id: 'weak-order', section: 'weakOrder', title: 'Weak order of the SME',
    caption: 'Each point is the gap between the mean of R_S under dropout GD and under one SME (order 1, order 2, or order 2 with the diffusion corrected at O(ε), “corrected”) at time T, for one learning rate ε, on log–log axes; the left panel ends early in training, where the drift dominates, the right one later, where dropout’s noise does. '
      + 'A series parallel to the grey ε (or ε²) line has weak order 1 (or 2); the legend gives the fitted slope with its bootstrap 95 % interval over the filled points. '
      + 'An error below its dashed Monte Carlo floor is sampling noise, not approximation error; the table says which SME is closest to dropout GD at each ε.',
    build: (r) => (r.weakOrder?.length ? weakOrderSpec(r.weakOrder) : null),
  },
  {
    id: 'sweep-heatmap', section: 'sweep', title: 'Weak error over learning rate and keep probability',
    caption: 'Each cell is one SME’s weak error (one panel per SME) for one keep probability p (rows) and learning rate ε (columns); darker is smaller. '
      + 'Grey cells lie below the Monte Carlo floor, so their error is not resolved. '
      + 'Reading down a column shows how the approximation changes as dropout gets stronger (smaller p); the fitted order per p is in the row label.',
    build: (r) => (r.sweep ? sweepHeatmapSpec(r.sweep) : null),
  },
  {
    id: 'variance-flatness', section: 'flatness', title: 'Inverse variance–flatness relation',
    caption: 'Each point is one principal direction of the samples: the variance σ² along it against its interval flatness F, the width of the interval where the loss stays below c times its value. '
      + 'A line falling to the right (ψ > 0 with an interval above 0) means the noise is smallest along the flattest directions, the inverse relation. '
      + 'Panels set dropout beside SGD, and trajectory beside gradient samples (directions with unbounded flatness left out); hollow marks in the dropout trajectory panel are the linear-response prediction from H and Σ at the window’s mean: circles the variances expected of this window (its length and start included), triangles the stationary ones, where they exist.',
    build: (r) => (r.flatness ? varianceFlatnessSpec(r.flatness) : null),
  },
  {
    id: 'psi-keep', section: 'flatness', title: 'ψ against keep probability',
    caption: 'Each point is a fitted ψ at one keep probability p, with its bootstrap 95 % interval: dropout’s trajectory and gradient samples as measured, and the ψ of the linear-response prediction of the trajectory window. '
      + 'ψ > 0 (above the dashed line) is the inverse variance–flatness relation. Where the predicted ψ follows the measured one, the window’s shape is what H and Σ at its mean imply.',
    build: (r) => (r.flatness ? psiKeepSpec(r.flatness) : null),
  },
  {
    id: 'alignment-track', section: 'alignment', title: 'Hessian–noise alignment over training',
    caption: 'The red line is the alignment α between the Hessian H and the dropout-noise covariance Σ at each recorded step. '
      + 'The grey band is α for a Σ with the same spectrum pointing in random directions (mean ± sd); α far above the band means the noise concentrates along high-curvature directions. '
      + 'The lower panel shows the training loss at the same steps.',
    build: (r) => (r.alignment ? alignmentTrackSpec(r.alignment) : null),
  },
  {
    id: 'projected-variance', section: 'alignment', title: 'Projected variance against Hessian eigenvalue',
    caption: 'Each point is one top Hessian eigendirection u_j: its eigenvalue λ_j against the variance of the noise samples along it. '
      + 'Points rising to the right (Spearman ρ > 0) mean the noise is largest where the loss is sharpest.',
    build: (r) => (r.alignment ? projectedVarianceSpec(r.alignment) : null),
  },
];

/**
 * The Vega-Lite specs of every figure `results` can draw, in report order. A missing section,
 * or one with no finite values to plot, gives no figure.
 */
export function figureSpecs(results: Results): FigureSpec[] {
  checkResults(results);
  const out: FigureSpec[] = [];
  for (const f of FIGURES) {
    const spec = f.build(results);
    if (spec) out.push({ id: f.id, section: f.section, title: f.title, caption: f.caption, spec });
  }
  return out;
}
