/**
 * A data set on the device: x (n × inDim) and y (n × outDim) uploaded once; algorithms read them
 * in place every step. Host-side validation (finite values, consistent lengths) comes first.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkHostDataset, type HostDataset } from '../data/dataset-types.js';
import { DisposedError } from '../errors.js';

export class DeviceDataset {
  readonly n: number;
  readonly inDim: number;
  readonly outDim: number;
  readonly x: Tensor;
  readonly y: Tensor;
  /** Class labels where the targets are one-hot (for accuracy). */
  readonly labels: Int32Array | null;
  readonly name: string;
  /** True when every target row is a probability distribution (≥ 0, sums to 1 ± 1e-5). */
  readonly targetsAreDistributions: boolean;
  #disposed = false;

  constructor(readonly backend: Backend, host: HostDataset) {
    checkHostDataset(host);
    this.n = host.n;
    this.inDim = host.inDim;
    this.outDim = host.outDim;
    this.name = host.name ?? 'data';
    this.labels = host.labels ? Int32Array.from(host.labels) : null;
    this.targetsAreDistributions = rowsAreDistributions(host.y, host.n, host.outDim);
    this.x = backend.fromArray(host.x.length === host.n * host.inDim ? host.x : host.x.subarray(0, host.n * host.inDim));
    this.y = backend.fromArray(host.y.length === host.n * host.outDim ? host.y : host.y.subarray(0, host.n * host.outDim));
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal */
  live(name = 'data'): this {
    if (this.#disposed) throw new DisposedError(`${name}: dataset was disposed`);
    return this;
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.backend.dispose(this.x);
    this.backend.dispose(this.y);
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
