/**
 * The noise √(εh)ζ of an SME whose drift is a separate pass (drift.ts): from mask pairs
 * (mask-pairs.ts), a frozen factor (frozen-noise.ts), or none (the drift alone).
 */
import type { Tensor } from '../../backend/backend.js';
import type { PathSources } from './stepper.js';

export interface NoisePart {
  /** Host draws and uploads of sub-step t, made before the drift pass. */
  prepare(t: number, sources: PathSources): void;
  /** Where the drift pass copies layer 0 at Θ for reuse (shareLayer0), or null when nothing reuses it. */
  readonly layer0: { pre: Tensor; act: Tensor } | null;
  /** Writes √(εh)ζ of every path at Θ into `out` (P × D); false when there is no noise (out untouched). */
  sample(t: number, sources: PathSources, theta: Tensor, out: Tensor): boolean;
  dispose(): void;
}

/** No noise: the SME's drift alone. */
export const NO_NOISE: NoisePart = {
  prepare: () => {},
  layer0: null,
  sample: () => false,
  dispose: () => {},
};
