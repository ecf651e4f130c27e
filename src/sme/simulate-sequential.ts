/**
 * The sequential path simulation: paths one after another, each a chain of device kernels on the
 * model's own parameter tensor (only the recorded values are read back, once, at the end). It is
 * the reference the batched implementation (simulate-batched.ts) is tested against, and the
 * fallback where that one does not apply (per-sample masks, L_S without a closed form).
 *
 * SME step (h = ε/substeps):  Θ ← Θ − h·b(Θ) + √(ε h)·ζ,  ζ with covariance Σ(Θ) (samplers.ts),
 *   order 1: b = ∇L_S;   order 2: b = ∇L_S + (ε/2)·H_{L_S}∇L_S  (one HVP);
 *   order 2 with the corrected diffusion (docs/math.md §4.7): v = −h∇L_S + √(εh)ζ, Θ ← Θ + v + (ε/2)H_{L_S}v.
 */
import { checkAbort } from '../abort.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { frozenFactorSampler, maskPairSampler, type NoiseSampler } from './samplers.js';
import { isSme, pathSource, recordTimes, type PathsResult, type ResolvedSimulate } from './path-options.js';

export async function simulateSequential(
  model: Mlp, data: DeviceDataset, o: ResolvedSimulate, onProgress?: (done: number, total: number) => void, signal?: AbortSignal,
): Promise<PathsResult> {
  model.prepare(data);
  const k = model.kernels, d = model.size, eps = o.lr;
  const sme = isSme(o.method);
  const sub = sme ? o.substeps : 1, h = eps / sub;
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  const theta0 = k.create(d), drift = k.create(d), zeta = k.create(d);
  const loss = k.create(o.paths * records), norm = k.create(o.paths * records);
  const final = o.keepFinal ? k.create(o.paths * d) : null;
  const sampler: NoiseSampler | null = !sme || o.noise === 'none' ? null
    : o.noise === 'mask-pair' ? maskPairSampler(model, data, o.pairs, o.coupling) : frozenFactorSampler(model, data, o.samples, o.refresh, o.coupling);
  let div = 1;
  k.copy(model.params, theta0);
  try {
    for (let p = 0; p < o.paths; p++) {
      k.copy(theta0, model.params);
      const { seed, sign } = pathSource(o, p);
      for (let n = 0; n <= o.steps; n++) {
        if (signal) await checkAbort(signal);
        if (n % o.recordEvery === 0) {
          const slot = p * records + n / o.recordEvery;
          div = model.lossInto(data, loss, slot);
          k.reduce('sumsq', model.params, null, norm, slot);
        }
        if (n === o.steps) break;
        for (let s = 0; s < sub; s++) {
          const t = n * sub + s;
          if (o.method === 'gd') k.axpy(-eps, model.gradientTensor(data, { mask: 'none' }), model.params);
          else if (o.method === 'gd-modified') k.axpy(-eps, model.gradientTensor(data, { mask: 'expected' }), model.params);
          else if (o.method === 'dropout-gd') k.axpy(-eps, model.gradientTensor(data, { mask: { seed, step: t } }), model.params);
          else if (o.method === 'sme2c') {
            // The increment v = −h∇L_S + √(εh)ζ, all at Θ, then Θ ← Θ + v + (ε/2)H_{L_S}v.
            k.fill(drift, 0);
            k.axpy(-h, model.gradientTensor(data, { mask: 'expected' }), drift);
            if (sampler) {
              sampler.sample(t, seed, zeta, sign);
              k.axpy(Math.sqrt(eps * h), zeta, drift);
            }
            k.axpy(eps / 2, model.hvpTensor(data, drift, { of: 'modified' }), model.params);
            k.axpy(1, drift, model.params);
          } else {
            k.copy(model.gradientTensor(data, { mask: 'expected' }), drift);
            if (o.method === 'sme2') k.axpy(eps / 2, model.hvpTensor(data, drift, { of: 'modified' }), drift);
            // ζ at Θ, before the drift moves it (Euler–Maruyama).
            sampler?.sample(t, seed, zeta, sign);
            k.axpy(-h, drift, model.params);
            if (sampler) k.axpy(Math.sqrt(eps * h), zeta, model.params);
          }
        }
      }
      if (final) k.copy(model.params, final, 0, p * d, d);
      if (onProgress) {
        await k.flush();
        onProgress(p + 1, o.paths);
      }
    }
    const lossHost = (await k.read(loss)) as Float32Array;
    for (let i = 0; i < lossHost.length; i++) lossHost[i]! /= div;
    return {
      method: o.method, lr: eps, paths: o.paths, times: recordTimes(o),
      loss: lossHost,
      normSq: (await k.read(norm)) as Float32Array,
      final: final ? ((await k.read(final)) as Float32Array) : null,
    };
  } finally {
    k.copy(theta0, model.params);
    sampler?.dispose();
    for (const t of [theta0, drift, zeta, loss, norm, final]) if (t) k.dispose(t);
  }
}
