/**
 * Paths of dropout GD, of its SME (order 1, order 2, order 2 with the corrected diffusion; Euler–Maruyama), and of the deterministic
 * baselines, all through one API (docs/math.md §4). From the model's current θ, each path runs to time
 * T = steps·ε, recording R_S(θ) and ‖θ‖² every `recordEvery` learning-rate steps; only the
 * recorded values are read back, once, at the end; the model's parameters are restored afterwards.
 *
 * Mode 'batched' (the default) advances many paths at once (simulate-batched.ts); 'sequential'
 * runs them one after another (simulate-sequential.ts, the reference). Where the batched one does
 * not apply (per-sample masks; L_S without a closed form for GD on L_S and the SME; order 2 with
 * cross-entropy; no hidden layer), 'batched' falls back to the sequential implementation.
 */
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { checkSignal } from '../abort.js';
import { resolveSimulate, type PathsResult, type SimulateOptions } from './path-options.js';
import { simulateBatched, unbatchable } from './simulate-batched.js';
import { simulateSequential } from './simulate-sequential.js';

export type { PathMethod, PathsResult, SimulateOptions, SmeMethod } from './path-options.js';
export { PATH_METHODS, SME_METHODS, isSme, pathSeed, resolveSimulate } from './path-options.js';

export async function simulatePaths(model: Mlp, data: DeviceDataset, options: SimulateOptions): Promise<PathsResult> {
  model.prepare(data);
  const o = resolveSimulate(options);
  const signal = checkSignal('options.signal', options.signal);
  if (o.mode === 'sequential' || unbatchable(model, o.method) !== null) return simulateSequential(model, data, o, options.onProgress, signal);
  return simulateBatched(model, data, o, options.onProgress, signal);
}
