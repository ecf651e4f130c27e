/**
 * The facade: createEngine picks a backend at runtime and hands out the algorithms, which are
 * written once against the Backend interface.
 */
import type { Backend, BackendName, Tensor } from './backend/backend.js';
import type { EngineBackendInfo, EngineOptions } from './backend/engine-options.js';
import { selectBackend } from './backend/select.js';
import { DisposedError } from './errors.js';
import type { HostDataset } from './data/dataset-types.js';
import { DeviceDataset } from './model/dataset.js';
import { Mlp, type HessianOf, type MlpOptions } from './model/mlp.js';
import { train, type TrainOptions, type TrainResult } from './train/train.js';
import { lanczosEigen, type EigenOptions, type EigenResult } from './curvature/eigen.js';
import { hutchinson, type TraceResult } from './curvature/trace.js';
import { lanczosDensity, type DensityOptions, type DensityResult } from './curvature/density.js';
import { denseHessian } from './curvature/dense.js';
import { noiseFactor, type NoiseFactor, type NoiseFactorOptions } from './noise/noise-factor.js';
import { richardsonPaths, type RichardsonOptions, type RichardsonPaths } from './sme/richardson.js';
import { simulatePaths, type PathsResult, type SimulateOptions } from './sme/simulate.js';
import { weakOrder, type WeakOrderOptions, type WeakOrderResult } from './sme/weak-order.js';
import { weakOrderSweep, type SweepResult } from './sme/sweep.js';
import { varianceFlatness, type VarianceFlatnessOptions, type VarianceFlatnessResult } from './structure/variance-flatness.js';
import { intervalFlatness, type FlatnessOptions, type FlatnessResult } from './structure/flatness.js';
import { alignment, type AlignmentOptions, type AlignmentResult } from './structure/alignment.js';
import { alignmentOverTraining, type AlignmentTrack, type AlignmentTrackOptions } from './structure/alignment-track.js';
import { matchedNoise, type MatchedNoise } from './structure/matched-noise.js';
import { compareNoise, type CompareNoiseOptions, type CompareNoiseResult } from './structure/compare-noise.js';
import { predictWindow, type WindowPrediction, type WindowPredictionOptions } from './structure/window-prediction.js';

export type { EngineBackendInfo, EngineOptions } from './backend/engine-options.js';

/** Which Hessian, and Monte Carlo settings where L_S has no closed form. */
export interface HessianChoice {
  /** The Hessian of R_S ('loss', default), of L_S ('modified') or of R_S^drop with one mask draw. */
  of?: HessianOf;
  /** Mask samples of the Monte Carlo L_S Hessian (two or more hidden layers, or cross-entropy; default 64). */
  samples?: number;
}

/**
 * The package's facade: models, data sets and every algorithm on one backend (WebGPU or WASM).
 * Make one with {@link createEngine}. Methods that compute return Promises; anything holding
 * device memory (models, data sets) has `dispose()`, and {@link Engine.dispose} frees all. Every
 * method throws an {@link ArgumentError} naming the argument on bad input, and a
 * {@link DisposedError} once the engine is disposed; on WebGPU, a lost device makes every call
 * throw a {@link DeviceLostError}. The mathematics of each method is docs/math.md (sections named
 * below).
 *
 * @example
 * ```ts
 * import { createEngine, sineTask } from 'dropout-sme';
 * const engine = await createEngine();                       // WebGPU where available, else WASM
 * const model = engine.mlp({ sizes: [1, 16, 1], keep: 0.9, seed: 1 });
 * const data = engine.dataset(sineTask({ n: 20, seed: 1 }));
 * const run = await engine.train(model, data, { lr: 0.1, steps: 500 });
 * const top = await engine.hessianEigen(model, data, { k: 3 });
 * console.log(run.losses.at(-1), top.values);
 * engine.dispose();
 * ```
 */
export class Engine {
  #disposed = false;

  /** @internal Use createEngine. */
  constructor(
    /** The device-buffer primitives, for users who build their own algorithms. */
    readonly kernels: Backend,
    /** The backend, its description and details, what was requested and why this backend runs. */
    readonly backendInfo: EngineBackendInfo,
  ) {}

  /** Which backend actually runs: 'webgpu' or 'wasm'. */
  get backend(): BackendName {
    return this.kernels.name;
  }

  /** True once {@link Engine.dispose} ran. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal Throws if the engine was disposed. */
  protected live(): Backend {
    if (this.#disposed) throw new DisposedError('engine: disposed; create a new engine');
    return this.kernels;
  }

  /**
   * A dropout MLP on this engine's device (docs/math.md §1.1): layer sizes [in, hidden…, out],
   * dropout after every hidden layer, parameters in the flat layout of docs/architecture.md §4 (per layer
   * W out × in row-major, then b), initialised U(±1/√fan_in) from `seed`.
   *
   * @throws {@link ArgumentError} for bad sizes, activation, keep (must be in (0, 1]), loss or seed.
   * @example
   * ```ts
   * const model = engine.mlp({ sizes: [784, 50, 50, 10], activation: 'tanh', keep: 0.9, seed: 1 });
   * model.size;                      // D = 784·50 + 50 + 50·50 + 50 + 50·10 + 10 = 42,310
   * ```
   */
  mlp(options: MlpOptions): Mlp {
    return new Mlp(this.live(), options);
  }

  /**
   * Uploads a data set to the device after checking it: x (n × inDim) and y (n × outDim),
   * row-major Float32Arrays of finite values; optional integer labels (n).
   *
   * @throws {@link ArgumentError} for mismatched lengths, non-finite values or bad dimensions.
   */
  dataset(data: HostDataset): DeviceDataset {
    return new DeviceDataset(this.live(), data);
  }

  /**
   * Trains in place (docs/math.md §1.4): dropout GD (full batch) or dropout SGD (batchSize < n),
   * plain GD/SGD with `dropout: false`, optionally with isotropic Gaussian noise. Fresh masks every
   * step from (seed, step); the recorded losses and snapshots are read back once at the end.
   *
   * @returns The loss of every `lossEvery`-th step (before its update) and optional θ snapshots.
   * @throws {@link ArgumentError} for bad options; {@link DivergenceError} (step, value) when a
   *   checked loss is NaN, ±Inf or above the bound; {@link DeviceLostError} with the last
   *   checkpoint when the WebGPU device is lost.
   * @example
   * ```ts
   * const run = await engine.train(model, data, { lr: 0.1, steps: 1000, seed: 1, lossEvery: 10 });
   * run.losses;                      // 100 values, R_S^drop at steps 0, 10, …, 990
   * ```
   */
  train(model: Mlp, data: DeviceDataset, options: TrainOptions): Promise<TrainResult> {
    this.live();
    return train(model, data, options);
  }

  /**
   * Runs `use` with the operator v ↦ H v of the model's Hessian at its θ now, on device vectors:
   * the forward pass runs once and each product only the R pass (model/hessian-operator.ts).
   */
  private async withHessian<T>(model: Mlp, data: DeviceDataset, opts: HessianChoice, use: (hv: (v: Tensor) => Tensor) => Promise<T>): Promise<T> {
    this.live();
    const choice = { of: opts.of ?? 'loss', ...(opts.samples === undefined ? {} : { samples: opts.samples }) };
    const op = model.hessianOperator(data, choice);
    try {
      return await use((v) => op.apply(v));
    } finally {
      op.dispose();
    }
  }

  /**
   * Top-k Hessian eigenpairs by Lanczos with full reorthogonalisation (docs/math.md §5): exact HVPs of
   * R_S, L_S or a fixed-mask R_S^drop at the model's θ.
   *
   * @returns values (k), vectors (k × D, unit rows), residual estimates and whether they converged.
   * @throws {@link ArgumentError} for bad options (k in [1, D], tol in (0, 1), …).
   * @example
   * ```ts
   * const { values, vectors } = await engine.hessianEigen(model, data, { k: 5, of: 'modified' });
   * ```
   */
  hessianEigen(model: Mlp, data: DeviceDataset, options: EigenOptions & HessianChoice = {}): Promise<EigenResult> {
    return this.withHessian(model, data, options, (hv) => lanczosEigen(this.kernels, model.size, hv, options));
  }

  /**
   * Hutchinson estimate of tr(H) with Rademacher probes from the device generator (docs/math.md §5), with
   * its standard error and every probe's zᵀHz.
   *
   * @throws {@link ArgumentError} for bad options (probes ≥ 2).
   */
  hessianTrace(model: Mlp, data: DeviceDataset, options: { probes?: number; seed?: number; onProgress?: (d: number, t: number) => void; signal?: AbortSignal } & HessianChoice = {}): Promise<TraceResult> {
    return this.withHessian(model, data, options, (hv) => hutchinson(this.kernels, model.size, hv, options));
  }

  /**
   * Spectral density of the Hessian by stochastic Lanczos quadrature with Gaussian smoothing
   * (docs/math.md §5): a density on a grid that integrates to 1, and the quadrature nodes and weights.
   *
   * @throws {@link ArgumentError} for bad options.
   */
  hessianDensity(model: Mlp, data: DeviceDataset, options: DensityOptions & HessianChoice = {}): Promise<DensityResult> {
    return this.withHessian(model, data, options, (hv) => lanczosDensity(this.kernels, model.size, hv, options));
  }

  /**
   * The dense D × D Hessian (row-major, float64, symmetrised) of a small model, from D exact HVPs.
   *
   * @throws {@link ArgumentError} when D exceeds 5000.
   */
  hessian(model: Mlp, data: DeviceDataset, options: HessianChoice & { onProgress?: (d: number, t: number) => void } = {}): Promise<Float64Array> {
    return this.withHessian(model, data, options, (hv) => denseHessian(this.kernels, model.size, hv, options.onProgress));
  }

  /**
   * The dropout-noise factor of docs/math.md §3: mean ḡ of M mask gradients (one batched pass) and the
   * D × M factor with Σ ≈ factor·factorᵀ.
   *
   * @throws {@link ArgumentError} for bad options (samples ≥ 2).
   * @example
   * ```ts
   * const { mean, factor } = await engine.noiseFactor(model, data, { samples: 32, seed: 1 });
   * // factor[i * 32 + j]: coordinate i of (g_j − ḡ)/√31; Σ ≈ factor·factorᵀ
   * ```
   */
  noiseFactor(model: Mlp, data: DeviceDataset, options: NoiseFactorOptions = {}): Promise<NoiseFactor> {
    this.live();
    return noiseFactor(model, data, options);
  }

  /**
   * Paths of dropout GD, its SME (order 1 or 2) or a deterministic baseline (GD on L_S, GD on
   * R_S) from the model's current θ, recording R_S and ‖θ‖² (docs/math.md §4). Many paths run at once
   * (mode 'batched', the default: their parameters one paths × D device tensor); mode
   * 'sequential' runs them one after another (the reference). The model's θ is restored afterwards.
   *
   * @returns Record times (T = steps·lr at the end) and paths × records matrices of R_S and ‖θ‖².
   * @throws {@link ArgumentError} for bad options (method, lr > 0, integer steps, …).
   * @example
   * ```ts
   * const sme = await engine.simulate(model, data, { method: 'sme1', lr: 0.05, steps: 60, paths: 8, seed: 1 });
   * const gd = await engine.simulate(model, data, { method: 'dropout-gd', lr: 0.05, steps: 60, paths: 8, seed: 1 });
   * ```
   */
  simulate(model: Mlp, data: DeviceDataset, options: SimulateOptions): Promise<PathsResult> {
    this.live();
    return simulatePaths(model, data, options);
  }

  /**
   * The SME's paths at integrator steps h, h/2 and h/4 with common random numbers and antithetic
   * pairs (docs/math.md §4); `extrapolate` combines them into Richardson's weak order-2 estimate and
   * its integrator error.
   */
  simulateRichardson(model: Mlp, data: DeviceDataset, options: RichardsonOptions): Promise<RichardsonPaths> {
    this.live();
    return richardsonPaths(model, data, options);
  }

  /**
   * The weak-order study of docs/math.md §4: for each learning rate, dropout GD's paths and the
   * SME's (certified integrator: h, h/2, h/4 with Richardson) to time T; weak errors of R_S and ‖θ‖²
   * with their Monte Carlo floors and integrator errors, and the fitted order with a bootstrap 95 %
   * interval where at least 3 learning rates stand above twice both floors ("not resolved" otherwise).
   *
   * @throws {@link ArgumentError} for bad options (at least two positive learning rates, time > 0,
   *   an even number of SME paths, an integrator step h that divides every ε).
   */
  weakOrder(model: Mlp, data: DeviceDataset, options: WeakOrderOptions): Promise<WeakOrderResult> {
    this.live();
    return weakOrder(model, data, options);
  }

  /**
   * The ε × p sweep (docs/math.md §4): the weak-order study for each keep probability, every model built
   * from `model` (without keep) and the same initial θ; keeps × lrs error matrices.
   *
   * @throws {@link ArgumentError} for keeps outside (0, 1] or bad study options.
   */
  weakOrderSweep(model: Omit<MlpOptions, 'keep'>, data: DeviceDataset, keeps: number[], options: WeakOrderOptions): Promise<SweepResult> {
    return weakOrderSweep(this.live(), model, data, keeps, options);
  }

  /**
   * The inverse variance–flatness relation of S samples of θ (S × D row-major, e.g. training
   * snapshots or θ* + gradient samples): PCA, interval flatness, ψ with its interval (docs/math.md §6).
   * The model's θ is restored afterwards.
   *
   * @throws {@link ArgumentError} for bad samples (count × D finite values) or options.
   * @example
   * ```ts
   * const run = await engine.train(model, data, { lr: 0.1, steps: 400, snapshotEvery: 10 });
   * const vf = await engine.varianceFlatness(model, data, run.snapshots!, 40, { k: 10 });
   * console.log(vf.psi, vf.interval, vf.spearman);
   * ```
   */
  varianceFlatness(model: Mlp, data: DeviceDataset, samples: Float32Array, count: number, options: VarianceFlatnessOptions = {}): Promise<VarianceFlatnessResult> {
    this.live();
    return varianceFlatness(model, data, samples, count, options);
  }

  /**
   * Interval flatness along k unit directions (k × D) around `centre` (docs/math.md §6): the width of the
   * interval where the loss stays below c times its value at the centre; Infinity where a side
   * is unbounded. The model's θ is restored afterwards.
   *
   * @throws {@link ArgumentError} for bad centre, directions or options (c > 1).
   */
  flatness(model: Mlp, data: DeviceDataset, centre: ArrayLike<number>, directions: ArrayLike<number>, k: number, options: FlatnessOptions = {}): Promise<FlatnessResult> {
    this.live();
    return intervalFlatness(model, data, centre, directions, k, options);
  }

  /**
   * α(H, Σ) = Tr(HΣ)/(‖H‖_F‖Σ‖_F) for Σ = factor·factorᵀ (factor D × M, as noiseFactor returns
   * it), and its null model (Σ's spectrum on random orthonormal directions) (docs/math.md §6).
   *
   * @throws {@link ArgumentError} for a factor of the wrong length or bad options.
   * @example
   * ```ts
   * const { factor } = await engine.noiseFactor(model, data, { samples: 32 });
   * const a = await engine.alignment(model, data, factor, 32);
   * console.log(a.alpha, a.null.mean, a.null.sd);
   * ```
   */
  alignment(model: Mlp, data: DeviceDataset, factor: Float32Array, samples: number, options: AlignmentOptions = {}): Promise<AlignmentResult> {
    this.live();
    return alignment(model, data, factor, samples, options);
  }

  /**
   * α(H, Σ) and its null model at steps 0, every, 2·every, … of a dropout training run that
   * trains the model in place (docs/math.md §6).
   *
   * @throws {@link ArgumentError} for bad options; {@link DivergenceError} if training diverges.
   */
  alignmentOverTraining(model: Mlp, data: DeviceDataset, options: AlignmentTrackOptions): Promise<AlignmentTrack> {
    this.live();
    return alignmentOverTraining(model, data, options);
  }

  /**
   * Noise magnitudes matched to dropout's at the current θ, for the comparisons of docs/math.md §6: the
   * isotropic variance (train's isotropicNoise) and the SGD batch size (train's batchSize).
   *
   * @throws {@link ArgumentError} for bad options or fewer than 2 rows.
   */
  matchedNoise(model: Mlp, data: DeviceDataset, options: { samples?: number; probeBatch?: number; batches?: number; seed?: number; signal?: AbortSignal } = {}): Promise<MatchedNoise> {
    this.live();
    return matchedNoise(model, data, options);
  }

  /**
   * The comparisons of docs/math.md §6 from the model's current θ: trajectory samples of dropout GD, SGD
   * (batch matched to dropout's noise), GD with isotropic noise of equal total variance and plain
   * GD, each through the variance–flatness analysis. The model is back at θ afterwards.
   *
   * @throws {@link ArgumentError} for bad options; {@link DivergenceError} if a method diverges.
   */
  compareNoise(model: Mlp, data: DeviceDataset, options: CompareNoiseOptions): Promise<CompareNoiseResult> {
    this.live();
    return compareNoise(model, data, options);
  }

  /**
   * A trajectory window (S × D samples, e.g. compareNoise's with keepSamples) against its
   * linear-response prediction (docs/math.md §6): H_K, Σ_K and g_K at the window's mean in a basis of K
   * directions (PCA or Hessian), the window's expected sample variances and the stationary ones,
   * each with ψ fitted on the measured flatness. The model is back at its θ afterwards.
   */
  predictWindow(model: Mlp, data: DeviceDataset, samples: Float32Array, count: number, options: WindowPredictionOptions): Promise<WindowPrediction> {
    this.live();
    return predictWindow(model, data, samples, count, options);
  }

  /** Frees every buffer and the device; the engine is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.kernels.destroy();
  }
}

/**
 * Creates an engine on the best available backend: `'auto'` (default) tries WebGPU
 * (`navigator.gpu`, or Node's optional `webgpu` package) and falls back to WASM, recording why in
 * `engine.backendInfo.reason`; `'webgpu'` or `'wasm'` ask for one.
 *
 * @throws {@link BackendUnavailableError} when `'webgpu'` is asked for and none is available
 *   (the message says what is missing); {@link ArgumentError} for bad options.
 * @example
 * ```ts
 * import { createEngine } from 'dropout-sme';
 * const engine = await createEngine({ backend: 'auto' });
 * console.log(engine.backend, engine.backendInfo.reason);
 * ```
 */
export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const { backend, info } = await selectBackend(options);
  return new Engine(backend, info);
}
