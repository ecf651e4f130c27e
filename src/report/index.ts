/** The report: figures as Vega-Lite specs, their SVG render, report.html, per-figure SVG files. */
export * from './results.js';
export { checkResults } from './check.js';
export { figureSpecs, FIGURES, type FigureSpec, type FigureEntry, type FigureId, type SectionName } from './figures/index.js';
export { renderFigures, renderSpec, type RenderedFigure } from './render.js';
export { writeReport, escapeHtml, type ReportOptions } from './html.js';
export { writeFiguresSvg } from './files.js';
export { keyTable, type KeyTable } from './tables.js';
export { smeCurvesSpec } from './figures/sme-curves.js';
export { weakOrderSpec } from './figures/weak-order.js';
export { sweepHeatmapSpec } from './figures/sweep-heatmap.js';
export { varianceFlatnessSpec } from './figures/variance-flatness.js';
export { psiKeepSpec } from './figures/psi-keep.js';
export { alignmentTrackSpec } from './figures/alignment-track.js';
export { projectedVarianceSpec } from './figures/projected-variance.js';
