/** The WebGPU tensor: a GPUBuffer of `size` elements rounded up to a multiple of 4 (16 bytes). */
import type { DType, Tensor } from '../backend/backend.js';

/** Buffer usage and map-mode flags (numeric, so no GPUBufferUsage global is needed). */
export const USAGE = { MAP_READ: 0x0001, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080 } as const;
export const MAP_READ_MODE = 0x0001;

/** Bytes of the buffer backing `size` elements: whole vec4s, so vec4 kernels never read past it. */
export function bufferBytes(size: number): number {
  return Math.ceil(Math.max(size, 1) / 4) * 16;
}

export class WebGPUTensor implements Tensor {
  readonly backend = 'webgpu' as const;
  /** Set once by fromArray's readOnly option, before the tensor is handed out (Tensor.readOnly). */
  readOnly = false;
  private isDisposed = false;

  constructor(
    readonly size: number,
    readonly dtype: DType,
    /** The device buffer (STORAGE | COPY_SRC | COPY_DST). */
    readonly buffer: GPUBuffer,
    /** The backend instance that created it (tensors do not move between devices). */
    readonly owner: object,
  ) {}

  get disposed(): boolean {
    return this.isDisposed;
  }

  /** @internal marks the tensor disposed; the backend frees the buffer. */
  markDisposed(): void {
    this.isDisposed = true;
  }
}
