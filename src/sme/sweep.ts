/**
 * The ε × p sweep of docs/math.md §4: the weak-order study repeated for each keep probability (small ones,
 * p = 0.1 and below, included by the caller), every model starting from the same initial θ (the
 * initialisation does not depend on p). Returns the errors as keeps × lrs matrices for a heatmap.
 */
import { ArgumentError } from '../errors.js';
import type { Backend } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { Mlp, type MlpOptions } from '../model/mlp.js';
import { weakOrder, type WeakOrderOptions, type WeakOrderResult } from './weak-order.js';

/** What `engine.weakOrderSweep` returns (docs/math.md §4.6). */
export interface SweepResult {
  lrs: number[];
  keeps: number[];
  /** keeps × lrs, row-major: weak errors and Monte Carlo floors of R_S and ‖θ‖². */
  lossErrors: Float64Array;
  lossFloors: Float64Array;
  normErrors: Float64Array;
  normFloors: Float64Array;
  /** The full study for each keep. */
  studies: WeakOrderResult[];
}

export async function weakOrderSweep(
  backend: Backend, model: Omit<MlpOptions, 'keep'>, data: DeviceDataset, keeps: number[], options: WeakOrderOptions,
): Promise<SweepResult> {
  if (!Array.isArray(keeps) || keeps.length < 1 || keeps.some((p) => typeof p !== 'number' || !(p > 0 && p <= 1))) {
    throw new ArgumentError('keeps', 'an array of keep probabilities in (0, 1]', keeps);
  }
  const studies: WeakOrderResult[] = [];
  for (const [i, keep] of keeps.entries()) {
    const m = new Mlp(backend, { ...model, keep });
    try {
      const progress = options.onProgress;
      studies.push(await weakOrder(m, data, {
        ...options,
        ...(progress ? { onProgress: (d: number, t: number) => progress(i * t + d, keeps.length * t) } : {}),
      }));
    } finally {
      m.dispose();
    }
  }
  const grid = (pick: (s: WeakOrderResult) => Float64Array) => Float64Array.from(studies.flatMap((s) => Array.from(pick(s))));
  return {
    lrs: [...options.lrs], keeps: [...keeps], studies,
    lossErrors: grid((s) => s.loss.errors), lossFloors: grid((s) => s.loss.floors),
    normErrors: grid((s) => s.normSq.errors), normFloors: grid((s) => s.normSq.floors),
  };
}
