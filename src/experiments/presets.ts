/**
 * The reproduction's settings at three sizes. 'quick' finishes in under a minute on 2 CPU
 * cores (WASM), 'default' within fifteen, 'full' is the paper's scale (W1–W4 of docs/math.md §7 at full
 * size; hours on a CPU). Every number here is written into results.json's provenance.
 */
import type { AlignmentConfig } from './alignment.js';
import type { FlatnessConfig } from './flatness.js';
import type { NetSpec } from './model-spec.js';
import type { LadderConfig } from './path-cells.js';
import type { SmeCurvesConfig } from './sme-curves.js';

/** The reproduction's sizes: 'quick' (under a minute on 2 cores), 'default', 'full' (the paper's scale). */
export type PresetName = 'quick' | 'default' | 'full';
/** Every {@link PresetName}. */
export const PRESETS: readonly PresetName[] = ['quick', 'default', 'full'];

/** Every setting of a reproduction, one block per section (written into results.json's provenance). */
export interface ReproduceConfig {
  seed: number;
  sme: SmeCurvesConfig;
  weakOrder: LadderConfig & { orders: (1 | 2)[] };
  sweep: LadderConfig & { keeps: number[] };
  flatness: FlatnessConfig;
  alignment: AlignmentConfig;
}

const W3 = (seed: number): NetSpec => ({ hidden: [50], activation: 'tanh', keep: 0.9, init: seed });
const W1 = (seed: number): NetSpec => ({ hidden: [50, 50], activation: 'tanh', keep: 0.9, init: seed });
const W4 = (seed: number): NetSpec => ({ hidden: [16], activation: 'tanh', keep: 0.9, init: seed });

/** The configuration of a preset for a seed. */
export function preset(name: PresetName, seed: number): ReproduceConfig {
  const q = name === 'quick', full = name === 'full';
  const ladder: LadderConfig = {
    data: { source: 'sine', n: 20 }, net: W4(seed),
    lrs: [0.2, 0.1, 0.05, 0.025], time: 2, paths: q ? 300 : full ? 8000 : 2000,
    substeps: 4, pairs: 4, seed, bootstrap: q ? 200 : 1000,
  };
  return {
    seed,
    sme: {
      // ε = 0.05 keeps GD well inside its stability limit 2/λ_max (λ_max ≈ 17 on W3 early on).
      data: { source: 'mnist', n: q ? 500 : full ? 8000 : 1000 }, net: W3(seed),
      lr: 0.05, steps: q ? 30 : full ? 400 : 60, paths: q ? 4 : full ? 64 : 8, recordEvery: q ? 2 : full ? 5 : 3, pairs: 4,
      methods: ['dropout-gd', 'sme1', 'sme2', 'gd-modified', 'gd'], seed,
    },
    weakOrder: { ...ladder, orders: [1, 2] },
    sweep: {
      // A finer ladder than the weak-order study's: at p = 0.1 dropout GD diverges for ε ≥ 0.1.
      ...ladder, paths: q ? 200 : full ? 4000 : 600, lrs: q ? [0.1, 0.05, 0.025] : [0.1, 0.05, 0.025, 0.0125],
      keeps: q ? [0.1, 0.5, 0.9] : full ? [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9] : [0.05, 0.1, 0.3, 0.5, 0.7, 0.9],
    },
    flatness: flatnessPreset(name, seed, W1(seed)),
    alignment: {
      data: { source: 'mnist', n: q ? 1000 : full ? 8000 : 4000 }, net: W3(seed),
      lr: 0.1, steps: q ? 40 : full ? 1000 : 200, every: q ? 20 : full ? 100 : 40,
      samples: q ? 8 : full ? 64 : 16, nullSamples: q ? 3 : 10, probes: q ? 8 : full ? 50 : 20, eigenpairs: q ? 5 : 10, seed,
    },
  };
}

function flatnessPreset(name: PresetName, seed: number, net: NetSpec): FlatnessConfig {
  const q = name === 'quick', full = name === 'full';
  return {
    data: { source: 'mnist', n: q ? 1000 : 8000 }, net, lr: 0.1,
    // Dropout SGD on batches of 100 for the approach: R_S 0.56 → ≈ 0.04 in 40,000 steps on W1.
    burnIn: q ? 2000 : full ? 40000 : 15000, approachBatch: 100, settle: q ? 20 : 100,
    samples: q ? 16 : 40, spacing: q ? 2 : 4, directions: q ? 8 : 15, threshold: 2, gradientSamples: q ? 16 : 40,
    methods: q ? ['dropout', 'sgd'] : ['dropout', 'sgd', 'isotropic'], seed,
  };
}
