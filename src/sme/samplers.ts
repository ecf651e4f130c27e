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
import { streamTag } from '../random/streams.js';
import { centreRows, gradientSamples } from '../noise/noise-factor.js';
import { MaskGradientBatches, masksPerPass } from '../noise/mask-gradients.js';

/**
 * The SME's diffusion sampler (docs/math.md §4.3): fresh mask pairs every step, or a factor G refreshed every K steps.
 */
export type NoiseKind = 'mask-pair' | 'frozen';

export interface NoiseSampler {
  /** ζ for integrator step `t` of a path seeded `seed` (its Gaussians times `sign`), into out (length D). */
  sample(t: number, seed: number, out: Tensor, sign?: 1 | -1): void;
  dispose(): void;
}

const PAIR_GAUSSIANS = streamTag('pairGaussians'), FROZEN_GAUSSIANS = streamTag('frozenGaussians');

/**
 * The mask-pair weights of integrator sub-step t, for a run coupled to one with r = `coupling`
 * times as many sub-steps: the finer run's r sub-steps t·r … t·r + r − 1 each bring M pairs with
 * Gaussians z; this sub-step takes all r·M pairs, weight w[2(qM + j)] = −w[2(qM + j) + 1] =
 * sign·z_{t·r+q, j}/√(2Mr). Its noise Σ_w w·g(η_w) is then the finer run's increments summed over
 * the same interval, evaluated at this run's Θ (covariance exactly Σ(Θ), symmetric), and weight w
 * goes with mask draw t·r·2M + w, the finer run's own draw. With r = 1: the plain M-pair sampler.
 */
export function pairWeights(
  pairs: number, coupling: number, seed: number, t: number, sign: 1 | -1, out: Float32Array<ArrayBuffer>, z: Float32Array<ArrayBuffer>, scale = 1,
): Float32Array<ArrayBuffer> {
  const c = (sign * scale) / Math.sqrt(2 * pairs * coupling);
  for (let q = 0; q < coupling; q++) {
    gaussians(pairs, seed, PAIR_GAUSSIANS, t * coupling + q, z);
    for (let j = 0; j < pairs; j++) {
      out[2 * (q * pairs + j)] = c * z[j]!;
      out[2 * (q * pairs + j) + 1] = -c * z[j]!;
    }
  }
  return out;
}

/** Frozen-factor Gaussians of sub-step t coupled likewise: z = sign·Σ_{q<r} z_{t·r+q}/√r. */
export function frozenGaussians(
  n: number, seed: number, t: number, coupling: number, sign: 1 | -1, out: Float32Array<ArrayBuffer>, scratch: Float32Array<ArrayBuffer>,
): Float32Array<ArrayBuffer> {
  const c = sign / Math.sqrt(coupling);
  out.fill(0, 0, n);
  for (let q = 0; q < coupling; q++) {
    gaussians(n, seed, FROZEN_GAUSSIANS, t * coupling + q, scratch);
    for (let i = 0; i < n; i++) out[i]! += c * scratch[i]!;
  }
  return out;
}

export function maskPairSampler(model: Mlp, data: DeviceDataset, pairs: number, coupling = 1): NoiseSampler {
  const k = model.kernels, masks = 2 * pairs * coupling;
  const w = k.create(masks), g = k.create(masks * model.size);
  const batches = new MaskGradientBatches(model, data, Math.min(masks, masksPerPass(model, data.n)));
  const host = new Float32Array(masks), z = new Float32Array(pairs);
  return {
    sample(t, seed, out, sign = 1) {
      // Masks of step t are draws t·r·2M … (t + 1)·r·2M − 1: fresh every step, never reused.
      gradientSamples(model, data, masks, seed, t * masks, g, batches);
      k.write(w, pairWeights(pairs, coupling, seed, t, sign, host, z));
      k.gemm(w, g, out, { m: 1, n: model.size, k: masks });
    },
    dispose: () => {
      batches.dispose();
      k.dispose(w);
      k.dispose(g);
    },
  };
}

export function frozenFactorSampler(model: Mlp, data: DeviceDataset, samples: number, refresh: number, coupling = 1): NoiseSampler {
  const k = model.kernels;
  const z = k.create(samples), mean = k.create(model.size), host = new Float32Array(samples), scratch = new Float32Array(samples);
  const factor = k.create(samples * model.size);
  const batches = new MaskGradientBatches(model, data, Math.min(samples, masksPerPass(model, data.n)));
  return {
    sample(t, seed, out, sign = 1) {
      // Every path starts at t = 0, so each path computes its own factor at its own θ.
      if (t % refresh === 0) {
        gradientSamples(model, data, samples, seed, (t / refresh) * samples, factor, batches);
        centreRows(model, factor, mean, samples);
      }
      k.write(z, frozenGaussians(samples, seed, t, coupling, sign, host, scratch));
      k.gemm(z, factor, out, { m: 1, n: model.size, k: samples });
    },
    dispose: () => {
      batches.dispose();
      for (const t of [factor, z, mean]) k.dispose(t);
    },
  };
}
