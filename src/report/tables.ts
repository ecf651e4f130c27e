/**
 * The key numbers beside each figure, as small tables of formatted text: the report's reader
 * should not need to read values off an axis.
 */
import type { Results } from './results.js';
import type { FigureId } from './figures/index.js';
import { METHOD_LABELS, NOISE_LABELS, finite, fmt, fmtInterval, ordered } from './figures/format.js';
import { flatnessPoints, pcaPrediction } from './figures/variance-flatness.js';
import { psiPoints } from './figures/psi-keep.js';
import { projectedPoints } from './figures/projected-variance.js';
import { sweepCells } from './figures/sweep-heatmap.js';
import { closestSme, smeLabel } from './sme-names.js';

/** The key numbers beside a figure, as formatted text. */
export interface KeyTable {
  /** Column headings. */
  head: string[];
  /** Rows of cells, each as long as `head`. */
  rows: string[][];
}

/** The last finite value of xs, with its index. */
function last(xs: (number | null)[]): [number | null, number] {
  for (let i = xs.length - 1; i >= 0; i--) if (finite(xs[i])) return [xs[i]!, i];
  return [null, -1];
}

/** The key numbers of figure `id` from `r`, or null when its section is absent. */
export function keyTable(id: FigureId, r: Results): KeyTable | null {
  switch (id) {
    case 'sme-curves': {
      const s = r.sme;
      if (!s) return null;
      const names = ordered(Object.keys(s.methods), Object.keys(METHOD_LABELS));
      return {
        head: ['method', 'R_S at t = 0', `R_S at t = ${fmt(s.times[s.times.length - 1])} (mean)`, 'band (lo – hi)'],
        rows: names.map((m) => {
          const b = s.methods[m]!;
          const [mean, i] = last(b.mean);
          return [METHOD_LABELS[m] ?? m, fmt(b.mean[0]), fmt(mean), i < 0 ? '–' : `${fmt(b.lo[i])} – ${fmt(b.hi[i])}`];
        }),
      };
    }
    case 'weak-order': {
      const sections = r.weakOrder;
      if (!sections?.length) return null;
      return {
        head: ['regime, T', 'SME', 'fitted order [95 % interval]', 'points fitted', 'error at the smallest ε', 'Monte Carlo floor there', 'integrator error there', 'closest to dropout GD at ε'],
        rows: sections.flatMap((w) => {
          const small = w.lrs.indexOf(Math.min(...w.lrs.filter(finite)));
          const closest = closestSme(w);
          return w.series.map((s) => {
            const mine = closest.filter((c) => c.best === s.method);
            const where = mine.length ? mine.map((c) => (c.separated ? fmt(c.eps) : `${fmt(c.eps)} (within floors)`)).join(', ') : '–';
            return [
              `${w.regime}, ${fmt(w.time)}`, smeLabel(s.method), s.resolved ? fmtInterval(s.slope, s.interval) : `not resolved: ${s.reason}`, `${s.fitted.length} of ${w.lrs.length}`,
              fmt(s.errors[small]), fmt(s.floors[small]), fmt(s.integratorErrors[small]), where,
            ];
          });
        }),
      };
    }
    case 'sweep-heatmap': {
      const s = r.sweep;
      if (!s) return null;
      return {
        head: ['SME', 'keep p', 'fitted order', 'cells above twice both floors', 'cells diverged', 'smallest resolved error'],
        rows: s.series.flatMap((series) => {
          const cells = sweepCells(s, series);
          return s.keeps.map((keep, i) => {
            const mine = cells.filter((c) => c.keep === keep && !c.belowFloor && !c.diverged);
            const diverged = cells.filter((c) => c.keep === keep && c.diverged).length;
            return [smeLabel(series.method), fmt(keep), series.slopes[i] === null ? 'not resolved' : fmt(series.slopes[i]), `${mine.length} of ${s.lrs.length}`, `${diverged}`, mine.length ? fmt(Math.min(...mine.map((c) => c.error!))) : '–'];
          });
        }),
      };
    }
    case 'variance-flatness': {
      const f = r.flatness;
      if (!f) return null;
      // Measured ψ beside the linear-response prediction's (PCA basis) where the run has one.
      return {
        head: ['keep p', 'noise', 'samples', 'directions fitted', 'ψ measured [95 % interval]', 'Spearman', 'ψ predicted: window', 'ψ predicted: stationary', 'predicted/measured σ² (median; Spearman)'],
        rows: f.runs.map((run) => {
          const p = pcaPrediction(run);
          const stationary = p ? (p.fits.stationary ? fmtInterval(p.fits.stationary.psi, p.fits.stationary.interval) : `none (${p.unstable.length} of ${p.eigenvalues.length} eigenvalues outside (0, 2/ε))`) : '–';
          return [
            fmt(run.keep), `${NOISE_LABELS[run.method] ?? run.method}, ${run.kind}`, String(run.samples), String(flatnessPoints(run).length),
            fmtInterval(run.psi, run.interval), fmt(run.spearman, 2),
            p ? fmtInterval(p.fits.window.psi, p.fits.window.interval) : '–', stationary,
            p ? `${fmt(p.agreement.medianRatio)}; ${fmt(p.agreement.spearman, 2)}` : '–',
          ];
        }),
      };
    }
    case 'psi-keep': {
      const f = r.flatness;
      if (!f) return null;
      const pts = psiPoints(f);
      const keeps = [...new Set(pts.map((p) => p.keep))].sort((a, b) => a - b);
      const series = [...new Set(pts.map((p) => p.series))];
      return {
        head: ['keep p', ...series],
        rows: keeps.map((keep) => [fmt(keep), ...series.map((name) => {
          const p = pts.find((q) => q.keep === keep && q.series === name);
          return p ? fmtInterval(p.psi, p.lo === null || p.hi === null ? null : [p.lo, p.hi]) : '–';
        })]),
      };
    }
    case 'alignment-track': {
      const a = r.alignment;
      if (!a) return null;
      const rows: string[][] = [];
      const firstIndex = a.alpha.findIndex(finite);
      const [, lastIndex] = last(a.alpha);
      for (const [name, i] of [['start', firstIndex], ['end', lastIndex]] as const) {
        if (i < 0) continue;
        const sd = a.nullSd[i];
        const z = finite(sd) && sd > 0 && finite(a.nullMean[i]) ? fmt((a.alpha[i]! - a.nullMean[i]!) / sd, 3) : '–';
        rows.push([`${name} (step ${a.steps[i]})`, fmt(a.alpha[i]), `${fmt(a.nullMean[i])} ± ${fmt(a.nullSd[i])}`, z, fmt(a.loss[i])]);
      }
      return { head: ['when', 'α', 'null α (mean ± sd)', '(α − null) / sd', 'R_S'], rows };
    }
    case 'projected-variance': {
      const a = r.alignment;
      if (!a) return null;
      const pts = projectedPoints(a);
      return {
        head: ['eigenpairs', 'drawn (both > 0)', 'largest λ', 'Spearman (λ, uᵀCu)'],
        rows: [[String(a.eigenvalues.length), String(pts.length), fmt(Math.max(...a.eigenvalues.filter(finite))), fmt(a.spearman, 2)]],
      };
    }
  }
}
