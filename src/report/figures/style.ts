/**
 * One look for every figure: the Vega-Lite config (system fonts, light grid, no frame) and the
 * colours. The same config serves the Node render and the browser lab.
 */
import type { Config } from 'vega-lite';

export const FONT = 'system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif';

export const CONFIG: Config = {
  font: FONT,
  background: 'white',
  padding: 8,
  view: { stroke: null, continuousWidth: 380, continuousHeight: 240 },
  axis: {
    labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', titleColor: '#333', labelColor: '#444',
    gridColor: '#ececec', domainColor: '#888', tickColor: '#888',
  },
  legend: { labelFontSize: 11, titleFontSize: 11, titleFontWeight: 'normal', titleColor: '#333', labelLimit: 360 },
  title: { fontSize: 14, fontWeight: 600, anchor: 'start', subtitleFontSize: 11.5, subtitleColor: '#555', subtitlePadding: 4, offset: 10 },
  header: { labelFontSize: 11.5, labelColor: '#333', titleFontSize: 12 },
};

/** Colours: dropout dark, its SMEs in blue/orange, baselines muted. */
export const METHOD_COLORS: Record<string, string> = {
  'dropout-gd': '#222222',
  sme1: '#3b75af',
  sme2: '#ef8636',
  sme2c: '#8f6bb3',
  'gd-modified': '#519e3e',
  gd: '#9a9a9a',
};
export const NOISE_COLORS: Record<string, string> = {
  dropout: '#d1495b',
  sgd: '#3b75af',
  isotropic: '#519e3e',
  gd: '#8a8a8a',
};
/** Fallback colours for names the schema did not foresee. */
export const EXTRA_COLORS = ['#8f6bb3', '#a0522d', '#17becf', '#bcbd22'];
export const NULL_COLOR = '#9a9a9a';
export const ALPHA_COLOR = '#d1495b';

/** The colour of `name` in `table`, or a stable fallback. */
export function colorOf(table: Record<string, string>, name: string, index: number): string {
  return table[name] ?? EXTRA_COLORS[index % EXTRA_COLORS.length]!;
}
