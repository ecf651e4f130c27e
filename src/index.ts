/**
 * The package's core entry, `dropout-sme`: the engine (WebGPU or WebAssembly), dropout MLPs,
 * training, dropout's noise, the stochastic modified equation, curvature (HVPs, Lanczos,
 * Hutchinson, SLQ), the noise-structure analyses and their statistics, `.npy`/IDX readers and
 * synthetic tasks. The embedded digits are `dropout-sme/mnist`, the reproduction
 * `dropout-sme/reproduce`, the report `dropout-sme/report`. The mathematics is docs/math.md.
 *
 * @example
 * ```ts
 * import { createEngine, sineTask } from 'dropout-sme';
 * const engine = await createEngine();
 * const model = engine.mlp({ sizes: [1, 16, 1], activation: 'tanh', keep: 0.9, seed: 1 });
 * const data = engine.dataset(sineTask({ n: 20, seed: 1 }));
 * await engine.train(model, data, { lr: 0.1, steps: 200 });
 * const { factor } = await engine.noiseFactor(model, data, { samples: 16 });
 * const { alpha } = await engine.alignment(model, data, factor, 16, { hessianNorm: 'dense' });
 * engine.dispose();
 * ```
 * @packageDocumentation
 * @module dropout-sme
 */
export { createEngine, Engine } from './engine.js';
export type { EngineOptions, EngineBackendInfo } from './engine.js';
export type { DeviceLimitCaps } from './webgpu/limits.js';
export type {
  Backend, BackendInfo, BackendName, Tensor, DType, Activation, ReduceOp, GemmOptions, FromArrayOptions, MaskOptions,
} from './backend/backend.js';
export type { BackendRequest } from './backend/engine-options.js';
export { ACTIVATIONS, REDUCE_OPS } from './backend/backend.js';
export { DropoutSmeError, ArgumentError, BackendUnavailableError, DisposedError, DivergenceError, DeviceLostError } from './errors.js';
export type { TrainCheckpoint } from './errors.js';
export { counterHash, maskValue } from './random/counter-hash.js';
export { Mlp } from './model/mlp.js';
export type { MlpOptions, MaskArg, ModifiedLoss, HessianOf } from './model/mlp.js';
export type { MlpLayout, LayerLayout } from './model/layout.js';
export type { LossKind } from './model/network.js';
export type { HessianChoice } from './engine.js';
export type { EigenOptions, EigenResult, Which } from './curvature/eigen.js';
export type { TraceResult } from './curvature/trace.js';
export type { DensityOptions, DensityResult } from './curvature/density.js';
export { DeviceDataset } from './model/dataset.js';
export type { TrainOptions, TrainResult } from './train/train.js';
export type { BroadcastOptions, RowsOptions } from './backend/backend.js';
export * from './data/index.js';
export { symmetricEigen, tridiagonalEigen, gram } from './linalg/index.js';
export type { EigenResult as SymmetricEigenResult, SymmetricEigenOptions, TridiagonalEigenOptions } from './linalg/index.js';
export type { NoiseFactor, NoiseFactorOptions } from './noise/noise-factor.js';
export { factorSamples } from './noise/noise-factor.js';
export type { PathMethod, PathsResult, SimulateOptions, SmeMethod } from './sme/simulate.js';
export { SME_METHODS, isSme } from './sme/simulate.js';
export type { WeakOrderOptions, WeakOrderResult, ObservableErrors, Observable } from './sme/weak-order.js';
export type { NoiseKind } from './sme/samplers.js';
export type { RichardsonOptions, RichardsonPaths, Extrapolated } from './sme/richardson.js';
export { extrapolate, LEVELS } from './sme/richardson.js';
export { MIN_FIT_POINTS } from './sme/weak-order.js';
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
export { VERSION } from './version.js';
export { NOISE_METHODS } from './structure/compare-noise.js';
export {
  linearResponse, stationaryCovariance, smeStationaryCovariance, windowCovariance, geometricSum, basisVariances,
  type LinearSystem, type WindowSchedule, type StationaryCovariance, type WindowCovariance, type LinearResponse,
} from './structure/linear-response.js';
export {
  PREDICTION_BASES, varianceAgreement, noiseScaling,
  type PredictionBasis, type WindowPrediction, type WindowPredictionOptions, type PsiFit,
} from './structure/window-prediction.js';
export type { NoiseMethod, CompareNoiseOptions, CompareNoiseResult, NoiseMethodResult } from './structure/compare-noise.js';
