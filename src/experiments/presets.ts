/**
 * The reproduction's settings at three sizes. 'quick' takes about 80 s of CPU time on 2 CPU
 * cores (WASM), 'default' in about twenty minutes of CPU time, 'full' is the paper's scale (W1–W4 of docs/math.md §7 at full
 * size; hours on a CPU). Every number here is written into results.json's provenance.
 */
import type { AlignmentConfig } from './alignment.js';
import type { FlatnessConfig } from './flatness.js';
import type { NetSpec } from './model-spec.js';
import type { LadderConfig } from './path-cells.js';
import type { SweepConfig } from './sweep.js';
import type { WeakOrderConfig } from './weak-order.js';
import type { SmeCurvesConfig } from './sme-curves.js';

/** The reproduction's sizes: 'quick' (about 80 s of CPU time on 2 cores), 'default', 'full' (the paper's scale). */
export type PresetName = 'quick' | 'default' | 'full';
/** Every {@link PresetName}. */
export const PRESETS: readonly PresetName[] = ['quick', 'default', 'full'];

/** Every setting of a reproduction, one block per section (written into results.json's provenance). */
export interface ReproduceConfig {
  seed: number;
  sme: SmeCurvesConfig;
  weakOrder: WeakOrderConfig;
  sweep: SweepConfig;
  flatness: FlatnessConfig;
  alignment: AlignmentConfig;
}

const W3 = (seed: number): NetSpec => ({ hidden: [50], activation: 'tanh', keep: 0.9, init: seed });
const W1 = (seed: number): NetSpec => ({ hidden: [50, 50], activation: 'tanh', keep: 0.9, init: seed });
const W4 = (seed: number): NetSpec => ({ hidden: [16], activation: 'tanh', keep: 0.9, init: seed });

/** The configuration of a preset for a seed. */
export function preset(name: PresetName, seed: number): ReproduceConfig {
  const q = name === 'quick', full = name === 'full';
  // The weak-order study is declared in the drift-dominated regime (docs/math.md §4): from W4's
  // initialisation R_S falls from 0.27 to 0.13 by t = 0.2 (λ_max ≈ 5.4, so T = 0.2 ≈ 1.1/λ_max),
  // where the order-1 SME's missing (ε/2)H∇L_S term dominates its error. Near the plateau (T ≥ 0.8)
  // the noise dominates and both SMEs err at O(ε²) instead. g = R_S. The ladder spans a decade
  // with every T/ε whole; the SME integrates with h = 0.01 for every ε (Richardson over h, h/2,
  // h/4), one mask pair per sub-step and antithetic pairs; dropout GD gets 50× the SME's paths,
  // since an antithetic SME pair's R_S varies about 12× less than a dropout-GD path's.
  const ladder: LadderConfig = {
    data: { source: 'sine', n: 20 }, net: W4(seed),
    lrs: q ? [0.1, 0.05, 0.02, 0.01] : [0.1, 0.05, 0.04, 0.02, 0.01], time: 0.2,
    paths: q ? 200 : full ? 4000 : 800, gdPaths: q ? 8000 : full ? 200000 : 40000,
    step: 0.01, pairs: 1, seed, bootstrap: q ? 200 : 1000,
  };
  return {
    seed,
    sme: {
      // ε = 0.05 keeps GD well inside its stability limit 2/λ_max (λ_max ≈ 17 on W3 early on).
      data: { source: 'mnist', n: q ? 500 : full ? 8000 : 1000 }, net: W3(seed),
      lr: 0.05, steps: q ? 30 : full ? 400 : 60, paths: q ? 4 : full ? 64 : 8, recordEvery: q ? 2 : full ? 5 : 3, pairs: 4,
      methods: ['dropout-gd', 'sme1', 'sme2', 'sme2c', 'gd-modified', 'gd'], seed,
    },
    weakOrder: {
      // The quick run's ladder has the 3 points an order needs; the noise regime costs 5× the drift one.
      ...withoutTime(ladder), ...(q ? { lrs: [0.1, 0.05, 0.02], paths: 100, gdPaths: 4000 } : {}), methods: ['sme1', 'sme2', 'sme2c'],
      // The noise-dominated regime (docs/math.md §4.7): T = 1 from the same initialisation, where
      // R_S has levelled off and the SMEs' errors come from the fluctuations.
      regimes: ['drift-dominated', 'noise-dominated'], times: [0.2, 1],
    },
    sweep: {
      // The study's regime and integrator, fewer paths; an order per keep needs 3 resolved cells.
      ...ladder, paths: q ? 100 : full ? 2000 : 200, gdPaths: q ? 4000 : full ? 100000 : 10000,
      lrs: q ? [0.1, 0.05, 0.02] : [0.1, 0.05, 0.02, 0.01],
      keeps: q ? [0.1, 0.5, 0.9] : full ? [0.02, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9] : [0.05, 0.1, 0.3, 0.5, 0.7, 0.9],
      methods: ['sme1', 'sme2', 'sme2c'],
    },
    flatness: flatnessPreset(name, seed, W1(seed)),
    alignment: {
      data: { source: 'mnist', n: q ? 1000 : full ? 8000 : 4000 }, net: W3(seed),
      lr: 0.1, steps: q ? 40 : full ? 1000 : 200, every: q ? 20 : full ? 100 : 40,
      samples: q ? 8 : full ? 64 : 16, nullSamples: q ? 3 : 10, probes: q ? 8 : full ? 50 : 20, eigenpairs: q ? 5 : 10, seed,
    },
  };
}

/** A ladder without its time T (the weak-order study gives one per regime). */
function withoutTime(l: LadderConfig): Omit<LadderConfig, 'time'> {
  const { time: _time, ...rest } = l;
  return rest;
}

function flatnessPreset(name: PresetName, seed: number, net: NetSpec): FlatnessConfig {
  const q = name === 'quick', full = name === 'full';
  return {
    data: { source: 'mnist', n: q ? 1000 : 8000 }, net, lr: 0.1,
    // Dropout SGD on batches of 100 for the approach: R_S 0.56 → ≈ 0.04 in 40,000 steps on W1.
    burnIn: q ? 2000 : full ? 40000 : 15000, approachBatch: 100, settle: q ? 20 : 100,
    samples: q ? 16 : 40, spacing: q ? 2 : 4, directions: q ? 8 : 15, threshold: 2, gradientSamples: q ? 16 : 40,
    methods: q ? ['dropout', 'sgd'] : ['dropout', 'sgd', 'isotropic'],
    // The paper shows the relation at several dropout rates; the smaller presets at W1's keep only.
    keeps: full ? [0.5, 0.7, 0.9] : [net.keep],
    predict: 'pca', predictNoiseSamples: q ? 16 : 64, predictHvpSamples: q ? 4 : 16, seed,
  };
}
