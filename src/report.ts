/**
 * The package's `dropout-sme/report` entry: pure functions of a results.json (`Results`). The
 * figures as Vega-Lite specs, their SVG render (which imports the `vega` and `vega-lite`
 * dependencies lazily, on first render), the self-contained report.html, one SVG file per figure,
 * the key-number tables, and the schema check of a results file. No engine is needed.
 *
 * @example
 * ```ts
 * import { readFile, writeFile } from 'node:fs/promises';
 * import { checkResults, writeReport } from 'dropout-sme/report';
 * const results: unknown = JSON.parse(await readFile('dropout-sme-reproduce/results.json', 'utf8'));
 * checkResults(results);                 // throws an ArgumentError naming the first bad field
 * await writeFile('report.html', await writeReport(results));
 * ```
 * @packageDocumentation
 * @module dropout-sme/report
 */
export { RESULTS_SCHEMA } from './report/results.js';
export type {
  Results, Provenance, Band, SmeCurves, WeakOrderSeries, WeakOrderSection, SweepSection, FlatnessRun, FlatnessSection, AlignmentSection,
  SectionName, FlatnessPrediction, PsiFitJson,
} from './report/results.js';
export {
  checkResults, figureSpecs, FIGURES, renderFigures, renderSpec, writeReport, escapeHtml, writeFiguresSvg, keyTable,
  smeCurvesSpec, weakOrderSpec, sweepHeatmapSpec, varianceFlatnessSpec, psiKeepSpec, alignmentTrackSpec, projectedVarianceSpec,
} from './report/index.js';
export type { FigureSpec, FigureEntry, FigureId, RenderedFigure, ReportOptions, KeyTable } from './report/index.js';
