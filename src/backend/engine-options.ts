/**
 * What an engine is asked for and what it got: the options of createEngine and the record of the
 * backend that runs. Shared by the facade (src/engine.ts) and backend selection (select.ts), so
 * that select.ts, which engine.ts imports, need not import engine.ts.
 */
import type { BackendInfo } from './backend.js';
import type { DeviceLimitCaps } from '../webgpu/limits.js';

/** What {@link createEngine} is asked for: 'auto' (WebGPU, else WASM), 'webgpu' or 'wasm'. */
export type BackendRequest = 'auto' | 'webgpu' | 'wasm';
/** Every {@link BackendRequest}. */
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'webgpu', 'wasm'];

/** Options of {@link createEngine}. */
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
  /**
   * WebGPU only, a benchmarking hook: false runs every gemm whole instead of splitting a long
   * reduction over few output tiles into k slabs side by side (split-K), so the gain of split-K can
   * be measured in one run. Default true. Results differ in the last bits.
   */
  splitK?: boolean;
}

/** The backend an engine runs on, and why ({@link Engine.backendInfo}). */
export interface EngineBackendInfo extends BackendInfo {
  /** What the caller asked for. */
  requested: BackendRequest;
  /** Why this backend runs: under 'auto', why WebGPU was or was not chosen. */
  reason: string;
  /** Set when the WebGPU device was lost (the reason); every later call throws DeviceLostError. */
  deviceLost?: string;
}
