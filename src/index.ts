export { createEngine, Engine } from './engine.js';
export type { EngineOptions, EngineBackendInfo } from './engine.js';
export type {
  Backend, BackendInfo, BackendName, Tensor, DType, Activation, ReduceOp, GemmOptions, MaskOptions,
} from './backend/backend.js';
export type { BackendRequest } from './backend/select.js';
export { ACTIVATIONS, REDUCE_OPS } from './backend/backend.js';
export { DropoutSmeError, ArgumentError, BackendUnavailableError, DisposedError, DivergenceError, DeviceLostError } from './errors.js';
export type { TrainCheckpoint } from './errors.js';
export { counterHash, maskValue } from './random/counter-hash.js';
export { Mlp } from './model/mlp.js';
export type { MlpOptions, MaskArg, ModifiedLoss, HessianOf } from './model/mlp.js';
export type { HessianChoice } from './engine.js';
export type { EigenOptions, EigenResult, Which } from './curvature/eigen.js';
export type { TraceResult } from './curvature/trace.js';
export type { DensityOptions, DensityResult } from './curvature/density.js';
export { DeviceDataset } from './model/dataset.js';
export type { TrainOptions, TrainResult } from './train/train.js';
export type { BroadcastOptions, RowsOptions } from './backend/backend.js';
export * from './data/index.js';
export { symmetricEigen, tridiagonalEigen, gram } from './linalg/index.js';
export type { NoiseFactor, NoiseFactorOptions } from './noise/noise-factor.js';
export { factorSamples } from './noise/noise-factor.js';
export type { PathMethod, PathsResult, SimulateOptions } from './sme/simulate.js';
export type { WeakOrderOptions, WeakOrderResult, ObservableErrors, Observable } from './sme/weak-order.js';
export type { NoiseKind } from './sme/samplers.js';
export type { SweepResult } from './sme/sweep.js';
export type { VarianceFlatnessOptions, VarianceFlatnessResult } from './structure/variance-flatness.js';
export { fitPsi } from './structure/variance-flatness.js';
export type { FlatnessOptions, FlatnessResult } from './structure/flatness.js';
export type { AlignmentOptions, AlignmentResult } from './structure/alignment.js';
export { projectedVariance, factorProjectedVariance } from './structure/alignment.js';
export { pca, type Pca } from './structure/pca.js';
export { fitLine, spearman, ranks, type LineFit } from './structure/stats.js';
export type { AlignmentTrack, AlignmentTrackOptions } from './structure/alignment-track.js';
export type { MatchedNoise } from './structure/matched-noise.js';
export {
  reproduce, reproduceConfig, preset, PRESETS, SECTIONS, experimentsFor, runUnits, assemble, resultsText, memoryStore,
  planUnits, shardUnits, missingUnits, Workloads, applyOverrides, checkConfig, parseConfigText, provenance, predictionBases,
} from './experiments/index.js';
export type {
  ReproduceOptions, ReproduceConfig, PresetName, SectionName, UnitStore, Shard, Progress, RunOptions, Experiment, Unit, Json, FlatnessConfig,
} from './experiments/index.js';
export { VERSION } from './version.js';
export { RESULTS_SCHEMA } from './report/results.js';
export type {
  Results, Provenance, Band, SmeCurves, WeakOrderSeries, WeakOrderSection, SweepSection, FlatnessRun, FlatnessSection, AlignmentSection,
  FlatnessPrediction, PsiFitJson,
} from './report/results.js';
// The report: Vega-Lite specs (pure), their SVG render (loads vega lazily), report.html, <id>.svg files.
export {
  checkResults, figureSpecs, FIGURES, renderFigures, renderSpec, writeReport, escapeHtml, writeFiguresSvg, keyTable,
  smeCurvesSpec, weakOrderSpec, sweepHeatmapSpec, varianceFlatnessSpec, psiKeepSpec, alignmentTrackSpec, projectedVarianceSpec,
} from './report/index.js';
export type { FigureSpec, FigureId, RenderedFigure, ReportOptions, KeyTable } from './report/index.js';
export { NOISE_METHODS } from './structure/compare-noise.js';
export {
  linearResponse, stationaryCovariance, windowCovariance, geometricSum, basisVariances,
  type LinearSystem, type WindowSchedule, type StationaryCovariance, type WindowCovariance, type LinearResponse,
} from './structure/linear-response.js';
export {
  PREDICTION_BASES, varianceAgreement, noiseScaling,
  type PredictionBasis, type WindowPrediction, type WindowPredictionOptions, type PsiFit,
} from './structure/window-prediction.js';
export type { NoiseMethod, CompareNoiseOptions, CompareNoiseResult, NoiseMethodResult } from './structure/compare-noise.js';
