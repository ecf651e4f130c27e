/**
 * The facade: createEngine picks a backend at runtime and hands out the algorithms, which are
 * written once against the Backend interface.
 */
import type { Backend, BackendInfo, BackendName } from './backend/backend.js';
import { selectBackend, type BackendRequest } from './backend/select.js';
import type { DeviceLimitCaps } from './webgpu/limits.js';
import { DisposedError } from './errors.js';
import type { HostDataset } from './data/dataset-types.js';
import { DeviceDataset } from './model/dataset.js';
import { Mlp, type MlpOptions } from './model/mlp.js';
import { train, type TrainOptions, type TrainResult } from './train/train.js';
import type { HessianOf } from './model/mlp.js';
import type { Tensor } from './backend/backend.js';
import { lanczosEigen, type EigenOptions, type EigenResult } from './curvature/eigen.js';
import { hutchinson, type TraceResult } from './curvature/trace.js';
import { lanczosDensity, type DensityOptions, type DensityResult } from './curvature/density.js';
import { denseHessian } from './curvature/dense.js';
import { noiseFactor, type NoiseFactor, type NoiseFactorOptions } from './noise/noise-factor.js';
import { simulatePaths, type PathsResult, type SimulateOptions } from './sme/simulate.js';
import { weakOrder, type WeakOrderOptions, type WeakOrderResult } from './sme/weak-order.js';
import { weakOrderSweep, type SweepResult } from './sme/sweep.js';
import { varianceFlatness, type VarianceFlatnessOptions, type VarianceFlatnessResult } from './structure/variance-flatness.js';
import { intervalFlatness, type FlatnessOptions, type FlatnessResult } from './structure/flatness.js';
import { alignment, type AlignmentOptions, type AlignmentResult } from './structure/alignment.js';
import { alignmentOverTraining, type AlignmentTrack, type AlignmentTrackOptions } from './structure/alignment-track.js';
import { matchedNoise, type MatchedNoise } from './structure/matched-noise.js';
import { compareNoise, type CompareNoiseOptions, type CompareNoiseResult } from './structure/compare-noise.js';

/** Which Hessian, and Monte Carlo settings where L_S has no closed form. */
export interface HessianChoice {
  of?: HessianOf;
  samples?: number;
}

export interface EngineOptions {
  /** 'auto' (default) tries WebGPU, then falls back to WASM and records why. */
  backend?: BackendRequest;
  /**
   * The GPU object to use instead of discovering one (navigator.gpu, or Node's `webgpu` package);
   * null disables WebGPU discovery, as on a machine without it.
   */
  gpu?: GPU | null;
  /**
   * WASM threads, the caller's included: an integer from 1 (no workers) to 64, or 'auto' (default):
   * the machine's cores (navigator.hardwareConcurrency, os.availableParallelism()), where shared
   * memory and blocking waits are allowed (Node, Deno, a cross-origin-isolated worker). The threads
   * share large GEMMs (training, HVPs, the batched mask-gradient and SME passes, Lanczos'
   * reorthogonalisation) and large elementwise kernels. Checked whichever backend runs.
   */
  threads?: number | 'auto';
  /** WASM build: 'auto' picks relaxed SIMD, else SIMD, else scalar, by runtime validation. */
  simd?: 'auto' | 'relaxed' | 'simd' | 'scalar';
  /**
   * WebGPU only, a testing hook: plan work as if the device had these lower limits (bytes for the
   * sizes), e.g. { maxComputeWorkgroupsPerDimension: 8, maxStorageBufferBindingSize: 4096 }, so
   * the split dispatches that large problems need run on small ones. Results stay the same.
   */
  limits?: DeviceLimitCaps;
}

export interface EngineBackendInfo extends BackendInfo {
  /** What the caller asked for. */
  requested: BackendRequest;
  /** Why this backend runs: under 'auto', why WebGPU was or was not chosen. */
  reason: string;
  /** Set when the WebGPU device was lost (the reason); every later call throws DeviceLostError. */
  deviceLost?: string;
}

export class Engine {
  #disposed = false;

  /** @internal Use createEngine. */
  constructor(
    /** The device-buffer primitives, for users who build their own algorithms. */
    readonly kernels: Backend,
    readonly backendInfo: EngineBackendInfo,
  ) {}

  /** Which backend actually runs: 'webgpu' or 'wasm'. */
  get backend(): BackendName {
    return this.kernels.name;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal Throws if the engine was disposed. */
  protected live(): Backend {
    if (this.#disposed) throw new DisposedError('engine: disposed; create a new engine');
    return this.kernels;
  }

  /** A dropout MLP with the flat parameter layout of DESIGN.md (per layer W out×in, then b). */
  mlp(options: MlpOptions): Mlp {
    return new Mlp(this.live(), options);
  }

  /** Uploads a data set (x: n × inDim, y: n × outDim, row-major) after checking it. */
  dataset(data: HostDataset): DeviceDataset {
    return new DeviceDataset(this.live(), data);
  }

  /** Dropout GD (full batch) or SGD (batchSize < n), or plain GD/SGD with dropout: false. */
  train(model: Mlp, data: DeviceDataset, options: TrainOptions): Promise<TrainResult> {
    this.live();
    return train(model, data, options);
  }

  /** The HVP operator v ↦ H v of a model's Hessian, on device vectors. */
  private hessianOperator(model: Mlp, data: DeviceDataset, opts: HessianChoice): (v: Tensor) => Tensor {
    this.live();
    model.prepare(data);
    const choice = { of: opts.of ?? 'loss', ...(opts.samples === undefined ? {} : { samples: opts.samples }) };
    return (v) => model.hvpTensor(data, v, choice);
  }

  /** Top-k Hessian eigenpairs by Lanczos with full reorthogonalisation (SPEC §5). */
  hessianEigen(model: Mlp, data: DeviceDataset, options: EigenOptions & HessianChoice = {}): Promise<EigenResult> {
    return lanczosEigen(this.kernels, model.size, this.hessianOperator(model, data, options), options);
  }

  /** Hutchinson estimate of tr(H) with Rademacher probes from the device generator. */
  hessianTrace(model: Mlp, data: DeviceDataset, options: { probes?: number; seed?: number; onProgress?: (d: number, t: number) => void } & HessianChoice = {}): Promise<TraceResult> {
    return hutchinson(this.kernels, model.size, this.hessianOperator(model, data, options), options);
  }

  /** Spectral density by stochastic Lanczos quadrature with Gaussian smoothing. */
  hessianDensity(model: Mlp, data: DeviceDataset, options: DensityOptions & HessianChoice = {}): Promise<DensityResult> {
    return lanczosDensity(this.kernels, model.size, this.hessianOperator(model, data, options), options);
  }

  /** The dense D × D Hessian (row-major, float64) of a small model, from D exact HVPs. */
  hessian(model: Mlp, data: DeviceDataset, options: HessianChoice & { onProgress?: (d: number, t: number) => void } = {}): Promise<Float64Array> {
    return denseHessian(this.kernels, model.size, this.hessianOperator(model, data, options), options.onProgress);
  }

  /**
   * The dropout-noise factor of SPEC §3: mean ḡ of M mask gradients (one batched pass) and the
   * D × M factor with Σ ≈ factor·factorᵀ.
   */
  noiseFactor(model: Mlp, data: DeviceDataset, options: NoiseFactorOptions = {}): Promise<NoiseFactor> {
    this.live();
    return noiseFactor(model, data, options);
  }

  /**
   * Paths of dropout GD, its SME (order 1 or 2) or a deterministic baseline (GD on L_S, GD on
   * R_S) from the model's current θ, recording R_S and ‖θ‖² (SPEC §4). Many paths run at once
   * (mode 'batched', the default: their parameters one paths × D device tensor); mode
   * 'sequential' runs them one after another (the reference).
   */
  simulate(model: Mlp, data: DeviceDataset, options: SimulateOptions): Promise<PathsResult> {
    this.live();
    return simulatePaths(model, data, options);
  }

  /** The weak-order study of SPEC §4: weak errors over a learning-rate ladder and the fitted order. */
  weakOrder(model: Mlp, data: DeviceDataset, options: WeakOrderOptions): Promise<WeakOrderResult> {
    this.live();
    return weakOrder(model, data, options);
  }

  /** The ε × p sweep: the weak-order study for each keep probability, from the same initial θ. */
  weakOrderSweep(model: Omit<MlpOptions, 'keep'>, data: DeviceDataset, keeps: number[], options: WeakOrderOptions): Promise<SweepResult> {
    return weakOrderSweep(this.live(), model, data, keeps, options);
  }

  /**
   * The inverse variance–flatness relation of S samples of θ (S × D row-major, e.g. training
   * snapshots or θ* + gradient samples): PCA, interval flatness, ψ with its interval (SPEC §6).
   */
  varianceFlatness(model: Mlp, data: DeviceDataset, samples: Float32Array, count: number, options: VarianceFlatnessOptions = {}): Promise<VarianceFlatnessResult> {
    this.live();
    return varianceFlatness(model, data, samples, count, options);
  }

  /** Interval flatness along k unit directions (k × D) around `centre` (SPEC §6). */
  flatness(model: Mlp, data: DeviceDataset, centre: ArrayLike<number>, directions: ArrayLike<number>, k: number, options: FlatnessOptions = {}): Promise<FlatnessResult> {
    this.live();
    return intervalFlatness(model, data, centre, directions, k, options);
  }

  /** α(H, Σ) for Σ = factor·factorᵀ (factor D × M, as noiseFactor returns it) and its null model. */
  alignment(model: Mlp, data: DeviceDataset, factor: Float32Array, samples: number, options: AlignmentOptions = {}): Promise<AlignmentResult> {
    this.live();
    return alignment(model, data, factor, samples, options);
  }

  /** α(H, Σ) and its null model at checkpoints of a dropout training run (SPEC §6). */
  alignmentOverTraining(model: Mlp, data: DeviceDataset, options: AlignmentTrackOptions): Promise<AlignmentTrack> {
    this.live();
    return alignmentOverTraining(model, data, options);
  }

  /**
   * Noise magnitudes matched to dropout's at the current θ, for the comparisons of SPEC §6: the
   * isotropic variance (train's isotropicNoise) and the SGD batch size (train's batchSize).
   */
  matchedNoise(model: Mlp, data: DeviceDataset, options: { samples?: number; probeBatch?: number; batches?: number; seed?: number } = {}): Promise<MatchedNoise> {
    this.live();
    return matchedNoise(model, data, options);
  }

  /**
   * The comparisons of SPEC §6 from the model's current θ: trajectory samples of dropout GD, SGD
   * (batch matched to dropout's noise), GD with isotropic noise of equal total variance and plain
   * GD, each through the variance–flatness analysis. The model is back at θ afterwards.
   */
  compareNoise(model: Mlp, data: DeviceDataset, options: CompareNoiseOptions): Promise<CompareNoiseResult> {
    this.live();
    return compareNoise(model, data, options);
  }

  /** Frees every buffer and the device; the engine is unusable afterwards. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.kernels.destroy();
  }
}

export async function createEngine(options: EngineOptions = {}): Promise<Engine> {
  const { backend, info } = await selectBackend(options);
  return new Engine(backend, info);
}
