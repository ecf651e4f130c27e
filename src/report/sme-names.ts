/**
 * The SMEs' names in the report and the command line, and which SME is the closer approximation of
 * dropout GD at each ε of a weak-order study, as measured: closer only where the gap between two
 * SMEs' errors exceeds twice their floors (Monte Carlo and integrator) together.
 */
import type { SmeName, WeakOrderSection } from './results.js';
import { METHOD_LABELS } from './figures/format.js';

/** Short names for figure legends (a browser cuts long legend labels by their measured width). */
export const SME_LEGEND: Record<SmeName, string> = { sme1: 'order 1', sme2: 'order 2', sme2c: 'corrected' };

/** An SME's label: the report's method label without its 'SME ' (the context says SME), or its name. */
export const smeLabel = (m: string): string => (METHOD_LABELS[m] ?? m).replace(/^SME /, '');
/** An SME's legend name. */
export const smeLegend = (m: string): string => SME_LEGEND[m as SmeName] ?? m;

/** At one ε: the SME with the smallest error and whether it stands apart from the next one. */
export interface Closest {
  eps: number;
  best: SmeName;
  runnerUp: SmeName | null;
  /** The runner-up's error exceeds the best one's by more than twice their floors together. */
  separated: boolean;
}

/** The closest SME at every ε where at least one SME's error is defined. */
export function closestSme(w: WeakOrderSection): Closest[] {
  const out: Closest[] = [];
  w.lrs.forEach((eps, i) => {
    const rows = w.series
      .map((s) => ({ m: s.method, e: s.errors[i], f: s.floors[i] ?? 0, g: s.integratorErrors[i] ?? 0 }))
      .filter((r): r is { m: SmeName; e: number; f: number; g: number } => typeof r.e === 'number' && Number.isFinite(r.e))
      .sort((a, b) => a.e - b.e);
    const [a, b] = rows;
    if (!a) return;
    // The two errors share dropout GD's mean; adding their floors in quadrature (and both
    // integrator errors) does not count that shared part twice as an advantage.
    const separated = !!b && b.e - a.e > 2 * (Math.hypot(a.f, b.f) + a.g + b.g);
    out.push({ eps, best: a.m, runnerUp: b ? b.m : null, separated });
  });
  return out;
}

/** One sentence per regime: where each SME is the closer approximation, as measured. */
export function closestSentence(w: WeakOrderSection): string {
  const rows = closestSme(w);
  const groups = new Map<string, number[]>();
  for (const r of rows) {
    const key = r.separated ? `${smeLabel(r.best)} closest`
      : r.runnerUp ? `${smeLabel(r.best)} smallest but not separated from ${smeLabel(r.runnerUp)}`
      : `${smeLabel(r.best)} the only SME`;
    groups.set(key, [...(groups.get(key) ?? []), r.eps]);
  }
  const parts = [...groups].map(([what, eps]) => `${what} at ε = ${eps.join(', ')}`);
  return `${w.regime} (T = ${w.time}): ${parts.length ? parts.join('; ') : 'no SME error defined'}`;
}
