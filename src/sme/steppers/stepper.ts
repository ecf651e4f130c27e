/**
 * What every batched stepper shares (docs/math.md §4): the run's constants, the batch of P paths it
 * advances, and the stepper's contract. Each method has its own stepper (make-stepper.ts) owning its
 * buffers, so a step never asks whether a buffer exists.
 */
import type { Backend, Tensor } from '../../backend/backend.js';
import type { DeviceDataset } from '../../model/dataset.js';
import type { Mlp } from '../../model/mlp.js';
import type { PassBuffers } from '../path-pass.js';
import type { ResolvedSimulate } from '../path-options.js';
import type { HostMasks } from './host-masks.js';

/** The run's constants: ε, the sub-step h = ε/substeps, √(εh), and the L_S penalty weight λ/n (or 0). */
export interface StepContext {
  k: Backend;
  model: Mlp;
  data: DeviceDataset;
  o: ResolvedSimulate;
  eps: number;
  h: number;
  noiseScale: number;
  penalty: number;
  /** A ones vector long enough for every pass of the run (passOnes). */
  one: Tensor;
  masks: HostMasks;
}

/** The paths a stepper advances: Θ (P × D, row p = path p) and the 1-block pass at Θ (also used to record). */
export interface PathBatch {
  paths: number;
  theta: Tensor;
  one: PassBuffers;
}

/** Each path's seed and the sign of its Gaussians (path-options.ts pathSource), in batch order. */
export type PathSources = readonly { seed: number; sign: 1 | -1 }[];

export interface Stepper {
  /** Advances every path of the batch by sub-step t (a learning-rate step for the non-SME methods). */
  step(t: number, sources: PathSources): void;
  /** Frees the buffers this stepper owns. */
  dispose(): void;
}
