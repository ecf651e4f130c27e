/** The WebAssembly backend's tensor handle: a block of linear memory owned by one backend. */
import type { DType, Tensor } from '../backend/backend.js';

export class WasmTensor implements Tensor {
  readonly backend = 'wasm' as const;
  /** Set once by fromArray's readOnly option, before the tensor is handed out (Tensor.readOnly). */
  readOnly = false;
  #disposed = false;

  /** @internal Byte offset of element 0 in linear memory; only the owning backend uses it. */
  readonly ptr: number;
  /** @internal The backend that allocated it. */
  readonly owner: object;

  constructor(readonly size: number, readonly dtype: DType, ptr: number, owner: object) {
    this.ptr = ptr;
    this.owner = owner;
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** @internal */
  markDisposed(): void {
    this.#disposed = true;
  }
}
