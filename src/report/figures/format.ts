/**
 * Number formatting and null filtering shared by the figures, their tables and the report.
 * results.json writes NaN as null, so every number read from it may be null.
 */

/** A finite number (null, NaN and ±∞ are not). */
export function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** A finite number > 0 (what a log scale can draw). */
export function positive(v: unknown): v is number {
  return finite(v) && v > 0;
}

/** Three significant digits, scientific outside [1e-3, 1e4), a true minus sign; '–' for null. */
export function fmt(v: number | null | undefined, digits = 3): string {
  if (!finite(v)) return '–';
  if (v === 0) return '0';
  const a = Math.abs(v);
  const s = a >= 1e-3 && a < 1e4
    ? String(Number(v.toPrecision(digits)))
    : v.toExponential(digits - 1).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return s.replace('-', '−');
}

/** "1.35 [0.95, 2.06]": an estimate with its interval. */
export function fmtInterval(v: number | null | undefined, interval: readonly [number, number] | null | undefined): string {
  if (!finite(v)) return '–';
  return interval && finite(interval[0]) && finite(interval[1])
    ? `${fmt(v)} [${fmt(interval[0])}, ${fmt(interval[1])}]`
    : fmt(v);
}

/** Display names of the SME curve methods, in legend order. */
export const METHOD_LABELS: Record<string, string> = {
  'dropout-gd': 'dropout GD',
  sme1: 'SME order 1',
  sme2: 'SME order 2',
  sme2c: 'SME order 2, corrected diffusion',
  'gd-modified': 'GD on L_S',
  gd: 'GD on R_S',
};

/** Display names of the noise-structure comparison methods (docs/math.md §6). */
export const NOISE_LABELS: Record<string, string> = {
  dropout: 'dropout',
  sgd: 'SGD',
  isotropic: 'isotropic noise',
  gd: 'plain GD',
};

/** Order `keys` by their position in `order`, unknown keys last in their own order. */
export function ordered(keys: string[], order: string[]): string[] {
  const rank = (k: string) => {
    const i = order.indexOf(k);
    return i < 0 ? order.length : i;
  };
  return keys.map((k, i) => [k, i] as const).sort((a, b) => rank(a[0]) - rank(b[0]) || a[1] - b[1]).map(([k]) => k);
}
