/**
 * The facade: createEngine picks a backend at runtime and hands out the algorithms, which are
 * written once against the Backend interface.
 */
import type { Backend, BackendInfo, BackendName } from './backend/backend.js';
import { selectBackend, type BackendRequest } from './backend/select.js';
import { DisposedError } from './errors.js';
import type { HostDataset } from './data/dataset-types.js';
import { DeviceDataset } from './model/dataset.js';
import { Mlp, type MlpOptions } from './model/mlp.js';
import { train, type TrainOptions, type TrainResult } from './train/train.js';

export interface EngineOptions {
  /** 'auto' (default) tries WebGPU, then falls back to WASM and records why. */
  backend?: BackendRequest;
  /**
   * The GPU object to use instead of discovering one (navigator.gpu, or Node's `webgpu` package);
   * null disables WebGPU discovery, as on a machine without it.
   */
  gpu?: GPU | null;
  /** WASM worker threads: 'auto' uses both cores where shared memory allows. */
  threads?: number | 'auto';
  /** WASM build: 'auto' picks relaxed SIMD, else SIMD, else scalar, by runtime validation. */
  simd?: 'auto' | 'relaxed' | 'simd' | 'scalar';
}

export interface EngineBackendInfo extends BackendInfo {
  /** What the caller asked for. */
  requested: BackendRequest;
  /** Why this backend runs: under 'auto', why WebGPU was or was not chosen. */
  reason: string;
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
