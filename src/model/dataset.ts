/**
 * A data set on the device: x (n × inDim) and y (n × outDim) uploaded once; algorithms read them
 * in place every step. Host-side validation (finite values, consistent lengths) comes first.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkHostDataset, type HostDataset } from '../data/dataset-types.js';
import { DisposedError } from '../errors.js';

/**
 * A data set on an engine's device, made by `engine.dataset(host)`: inputs x (n × inDim) and
 * targets y (n × outDim) as device tensors. Dispose it (or the engine) to free the memory.
 */
export class DeviceDataset {
  /** Number of samples. */
  readonly n: number;
  /** Features per sample. */
  readonly inDim: number;
  /** Target width (classes for one-hot targets). */
  readonly outDim: number;
  /** Inputs, n × inDim row-major, on the device. */
  readonly x: Tensor;
  /** Targets, n × outDim row-major, on the device. */
  readonly y: Tensor;
  /** Class labels where the targets are one-hot (for accuracy). */
  readonly labels: Int32Array | null;
  /** The host data set's name ('data' when it had none). */
  readonly name: string;
  /** True when every target row is a probability distribution (≥ 0, sums to 1 ± 1e-5). */
  readonly targetsAreDistributions: boolean;
  #disposed = false;

  /** @internal Use engine.dataset. */
  constructor(
    /** The backend (its kernel primitives, as engine.kernels) holding the tensors. */
    readonly kernels: Backend,
    host: HostDataset,
  ) {
    checkHostDataset(host);
    this.n = host.n;
    this.inDim = host.inDim;
    this.outDim = host.outDim;
    this.name = host.name ?? 'data';
    this.labels = host.labels ? Int32Array.from(host.labels) : null;
    this.targetsAreDistributions = rowsAreDistributions(host.y, host.n, host.outDim);
    this.x = kernels.fromArray(host.x.length === host.n * host.inDim ? host.x : host.x.subarray(0, host.n * host.inDim), { readOnly: true });
    this.y = kernels.fromArray(host.y.length === host.n * host.outDim ? host.y : host.y.subarray(0, host.n * host.outDim), { readOnly: true });
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal */
  live(name = 'data'): this {
    if (this.#disposed) throw new DisposedError(`${name}: dataset was disposed`);
    return this;
  }

  /** Frees x and y on the device; calling it again does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.kernels.dispose(this.x);
    this.kernels.dispose(this.y);
  }
}

function rowsAreDistributions(y: Float32Array, n: number, c: number): boolean {
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let j = 0; j < c; j++) {
      const v = y[i * c + j]!;
      if (v < 0) return false;
      sum += v;
    }
    if (Math.abs(sum - 1) > 1e-5) return false;
  }
  return true;
}
