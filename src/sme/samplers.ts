/**
 * Samplers of Σ(θ)^{1/2} z for the SME's diffusion (docs/math.md §4), evaluated at the model's current θ
 * and written into a device vector of length D:
 * - mask pairs: ζ = Σ_j z_j (g(η_j) − g(η'_j)) / √(2M) with M fresh mask pairs and z_j ~ N(0, 1);
 *   mean 0 and covariance exactly Σ(θ) for any M ≥ 1, Gaussian as M grows.
 * - frozen factor: ζ = G z with G (docs/math.md §3) recomputed every `refresh` steps, z ~ N(0, I_M).
 */
import type { Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { gaussians } from '../noise/gaussian.js';
import { centreRows, gradientSamples } from '../noise/noise-factor.js';
import { MaskGradientBatches, masksPerPass } from '../noise/mask-gradients.js';

/**
 * The SME's diffusion sampler (docs/math.md §4.3): fresh mask pairs every step, or a factor G refreshed every K steps.
 */
export type NoiseKind = 'mask-pair' | 'frozen';

export interface NoiseSampler {
  /** ζ for integrator step `t` of a path seeded `seed`, into out (length D). */
  sample(t: number, seed: number, out: Tensor): void;
  dispose(): void;
}

/** Counter-generator streams of the SME's Gaussians (distinct from masks, probes, init). */
export const PAIR_STREAM = 0x5e01, FROZEN_STREAM = 0x5e02;

export function maskPairSampler(model: Mlp, data: DeviceDataset, pairs: number): NoiseSampler {
  const k = model.backend;
  const w = k.create(2 * pairs), g = k.create(2 * pairs * model.size);
  const batches = new MaskGradientBatches(model, data, Math.min(2 * pairs, masksPerPass(model, data.n)));
  const host = new Float32Array(2 * pairs), z = new Float32Array(pairs);
  const c = 1 / Math.sqrt(2 * pairs);
  return {
    sample(t, seed, out) {
      // Masks of step t are draws t·2M … t·2M + 2M − 1: fresh every step, never reused.
      gradientSamples(model, data, 2 * pairs, seed, t * 2 * pairs, g, batches);
      gaussians(pairs, seed, PAIR_STREAM, t, z);
      for (let j = 0; j < pairs; j++) {
        host[2 * j] = c * z[j]!;
        host[2 * j + 1] = -c * z[j]!;
      }
      k.write(w, host);
      k.gemm(w, g, out, { m: 1, n: model.size, k: 2 * pairs });
    },
    dispose: () => {
      batches.dispose();
      k.dispose(w);
      k.dispose(g);
    },
  };
}

export function frozenFactorSampler(model: Mlp, data: DeviceDataset, samples: number, refresh: number): NoiseSampler {
  const k = model.backend;
  const z = k.create(samples), mean = k.create(model.size), host = new Float32Array(samples);
  const factor = k.create(samples * model.size);
  const batches = new MaskGradientBatches(model, data, Math.min(samples, masksPerPass(model, data.n)));
  return {
    sample(t, seed, out) {
      // Every path starts at t = 0, so each path computes its own factor at its own θ.
      if (t % refresh === 0) {
        gradientSamples(model, data, samples, seed, (t / refresh) * samples, factor, batches);
        centreRows(model, factor, mean, samples);
      }
      k.write(z, gaussians(samples, seed, FROZEN_STREAM, t, host));
      k.gemm(z, factor, out, { m: 1, n: model.size, k: samples });
    },
    dispose: () => {
      batches.dispose();
      for (const t of [factor, z, mean]) k.dispose(t);
    },
  };
}
