/**
 * The key numbers beside each figure, as small tables of formatted text: the report's reader
 * should not need to read values off an axis.
 */
import type { Results } from './results.js';
import type { FigureId } from './figures/index.js';
import { METHOD_LABELS, NOISE_LABELS, finite, fmt, fmtInterval, ordered } from './figures/format.js';
import { flatnessPoints } from './figures/variance-flatness.js';
import { projectedPoints } from './figures/projected-variance.js';
import { sweepCells } from './figures/sweep-heatmap.js';

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
      const w = r.weakOrder;
      if (!w) return null;
      const small = w.lrs.indexOf(Math.min(...w.lrs.filter(finite)));
      return {
        head: ['SME order', 'fitted order [95 % interval]', 'points fitted', `error at ε = ${fmt(w.lrs[small])}`, 'Monte Carlo floor there'],
        rows: [...w.series].sort((a, b) => a.order - b.order).map((s) => [
          String(s.order), fmtInterval(s.slope, s.interval), String(s.fitted.length), fmt(s.errors[small]), fmt(s.floors[small]),
        ]),
      };
    }
    case 'sweep-heatmap': {
      const s = r.sweep;
      if (!s) return null;
      const cells = sweepCells(s);
      return {
        head: ['keep p', 'fitted order', 'cells above the floor', 'cells diverged', 'smallest resolved error'],
        rows: s.keeps.map((keep, i) => {
          const mine = cells.filter((c) => c.keep === keep && !c.belowFloor && !c.diverged);
          const diverged = cells.filter((c) => c.keep === keep && c.diverged).length;
          return [fmt(keep), fmt(s.slopes[i]), `${mine.length} of ${s.lrs.length}`, `${diverged}`, mine.length ? fmt(Math.min(...mine.map((c) => c.error!))) : '–'];
        }),
      };
    }
    case 'variance-flatness': {
      const f = r.flatness;
      if (!f) return null;
      return {
        head: ['noise', 'samples', 'directions fitted', 'ψ [95 % interval]', 'Spearman'],
        rows: f.runs.map((run) => [
          `${NOISE_LABELS[run.method] ?? run.method}, ${run.kind}`, String(run.samples), String(flatnessPoints(run).length),
          fmtInterval(run.psi, run.interval), fmt(run.spearman, 2),
        ]),
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
