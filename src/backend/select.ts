/**
 * Backend selection. 'auto' asks for WebGPU first and falls back to WASM, recording why;
 * an explicit 'webgpu' where none exists is an error that says what is missing.
 */
import { ArgumentError, BackendUnavailableError } from '../errors.js';
import { checkThreads, createWasmBackend } from '../wasm/wasm-backend.js';
import { createWebGPUBackend } from '../webgpu/webgpu-backend.js';
import { checkLimitCaps } from '../webgpu/limits.js';
import type { Backend } from './backend.js';
import { checkBoolean } from './validate.js';
import { BACKEND_REQUESTS, type EngineBackendInfo, type EngineOptions } from './engine-options.js';

export async function selectBackend(options: EngineOptions): Promise<{ backend: Backend; info: EngineBackendInfo }> {
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object', options);
  const requested = options.backend ?? 'auto';
  if (!BACKEND_REQUESTS.includes(requested)) {
    throw new ArgumentError('options.backend', `one of ${BACKEND_REQUESTS.map((b) => `'${b}'`).join(', ')}`, requested);
  }
  // Checked here, whichever backend runs: a bad thread count is an error even where WebGPU is picked.
  const wasmOptions = { threads: checkThreads('options.threads', options.threads === undefined ? 'auto' : options.threads), simd: options.simd ?? 'auto' } as const;
  const gpuOptions = {
    ...(options.gpu === undefined ? {} : { gpu: options.gpu }),
    ...(options.limits === undefined ? {} : { limits: checkLimitCaps(options.limits) }),
    ...(options.splitK === undefined ? {} : { splitK: checkBoolean('options.splitK', options.splitK) }),
  };

  if (requested === 'wasm') {
    const backend = await createWasmBackend(wasmOptions);
    return { backend, info: { ...backend.info, requested, reason: "requested 'wasm'" } };
  }
  if (requested === 'webgpu') {
    const backend = await createWebGPUBackend(gpuOptions);
    return { backend, info: recordLoss(backend, { ...backend.info, requested, reason: "requested 'webgpu'" }) };
  }
  try {
    const backend = await createWebGPUBackend(gpuOptions);
    return { backend, info: recordLoss(backend, { ...backend.info, requested, reason: 'a WebGPU adapter and device were available' }) };
  } catch (err) {
    if (!(err instanceof BackendUnavailableError)) throw err;
    const backend = await createWasmBackend(wasmOptions);
    return { backend, info: { ...backend.info, requested, reason: `fell back to WASM: ${err.message}` } };
  }
}

/** engine.backendInfo.deviceLost records a lost device (its reason), as the backend reports it. */
function recordLoss(backend: Backend, info: EngineBackendInfo): EngineBackendInfo {
  backend.onLost((reason) => { info.deviceLost = reason; });
  return info;
}
