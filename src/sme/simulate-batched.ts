/**
 * Many independent paths at once (docs/math.md §4): the parameters of P paths live in one P × D device
 * tensor Θ (row p = path p) and every step advances all P paths with batched kernels
 * (path-pass.ts, path-hvp.ts). Path p is seeded pathSeed(seed, p) and draws the same masks and
 * Gaussians as in the sequential implementation (simulate-sequential.ts), so both give the same
 * paths up to float rounding. Paths beyond P (chosen from a float budget, or pathsPerBatch) run
 * in successive batches.
 *
 * A step, for all P paths at once (h = ε/substeps; λ = (1−p)/p; weights fold into the δ's):
 *   dropout GD / GD / GD on L_S: one pass of 1 block (masked / unmasked / + penalty), weight −ε;
 *   SME order 1, mask pairs: one pass of 1 + 2M blocks: block 0 unmasked with the penalty, weight
 *     −h (the drift −h∇L_S), block 1 + j the mask { seed_p, step: t·2M + j }, weight
 *     ±√(εh)·z_{⌊j/2⌋}/√(2M) (so the pass sums to −h∇L_S + √(εh)ζ);
 *   SME order 2: ∇L_S (1 block), H_{L_S}∇L_S (batched R-operator), then the noise (2M blocks);
 *   SME order 2, corrected diffusion: ∇L_S, the noise, then one batched R-operator pass on the
 *     whole increment v = −h∇L_S + √(εh)ζ: Θ += v + (ε/2)H_{L_S}v (docs/math.md §4.7);
 *   frozen factor: ∇L_S (and the HVP), then ζ = G_p z_p for all paths in one batched GEMM; each
 *     path's factor G_p is refreshed every K steps from its own θ by the batched mask pass;
 *   no noise: the drift alone.
 * With `coupling` r the mask-pair pass has 2Mr noise blocks (the finer run's pairs, samplers.ts
 * pairWeights); antithetic paths share their seed and flip their Gaussians (path-options.ts pathSource).
 */
import { checkAbort } from '../abort.js';
import { ownedTensors } from '../model/owned-tensors.js';
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { dropoutVariance, hasClosedForm } from '../model/modified-loss.js';
import { centreRows, gradientSamples } from '../noise/noise-factor.js';
import { MaskGradientBatches, masksPerPass } from '../noise/mask-gradients.js';
import { allocateHvp, batchedHvp, hvpFloats, type HvpBuffers } from './path-hvp.js';
import { allocatePass, passBackward, passFloats, passForward, passLossHead, passOnes, repeatRows, shareLayer0, type PassBuffers } from './path-pass.js';
import { isSme, needsHvp, pathSource, recordTimes, type PathsResult, type ResolvedSimulate } from './path-options.js';
import { frozenGaussians, pairWeights } from './samplers.js';
import { counterHash, keepThreshold, maskValue } from '../random/counter-hash.js';

/** Floats the batched buffers of one batch may take (about 64 MiB, as for the mask passes). */
export const PATH_BUDGET = 1 << 24;

/** Why the batched implementation does not apply (the caller then runs the sequential one), or null. */
export function unbatchable(model: Mlp, method: ResolvedSimulate['method']): string | null {
  if (model.net.masksPerSample) return "per-sample masks (model option masks: 'per-sample')";
  if (model.layout.layers.length < 2) return 'a network without a hidden layer';
  const needsLs = method === 'gd-modified' || isSme(method);
  if (needsLs && model.keep < 1 && !hasClosedForm(model.net)) return 'L_S without a closed form (several dropout layers or cross-entropy)';
  if (needsHvp(method) && model.options.loss !== 'mse') return `the ${method === 'sme2' ? "order-2 drift's" : "corrected diffusion's"} HVP with cross-entropy`;
  return null;
}

/** The blocks of a step's main pass and the per-path floats of a run's buffers. */
function plan(model: Mlp, n: number, o: ResolvedSimulate) {
  const sme = isSme(o.method);
  const pairs = sme && o.noise === 'mask-pair';
  const noiseBlocks = pairs ? (o.method === 'sme1' ? 1 : 0) + 2 * o.pairs * o.coupling : 0;
  let perPath = passFloats(model, n, 1) + 5 * model.size;
  if (noiseBlocks > 0) perPath += passFloats(model, n, noiseBlocks);
  if (needsHvp(o.method)) perPath += hvpFloats(model, n);
  if (sme && o.noise === 'frozen') perPath += o.samples * (model.size + 1);
  return { sme, pairs, noiseBlocks, perPath };
}

/** Device buffers of one batch of P paths. */
interface Batch {
  paths: number;
  theta: Tensor;
  /** The step's update, ∇L_S and its HVP, and a P × D scratch. */
  update: Tensor;
  grad: Tensor;
  hgrad: Tensor;
  scratch: Tensor;
  one: PassBuffers;
  noise: PassBuffers | null;
  hvp: HvpBuffers | null;
  factor: Tensor | null;
  z: Tensor | null;
  all: Tensor[];
  passes: (PassBuffers | HvpBuffers)[];
}

export async function simulateBatched(
  model: Mlp, data: DeviceDataset, o: ResolvedSimulate, onProgress?: (done: number, total: number) => void, signal?: AbortSignal,
): Promise<PathsResult> {
  model.prepare(data);
  const k = model.kernels, D = model.size, n = data.n, eps = o.lr, keep = model.keep;
  const { sme, pairs, noiseBlocks, perPath } = plan(model, n, o);
  const sub = sme ? o.substeps : 1, h = eps / sub, noiseScale = Math.sqrt(eps * h);
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  const P = Math.min(o.paths, o.pathsPerBatch ?? Math.max(1, Math.floor(PATH_BUDGET / perPath)));
  const penalty = keep < 1 && (o.method === 'gd-modified' || sme) ? dropoutVariance(keep) / n : 0;
  const frozen = sme && o.noise === 'frozen', S = o.samples;
  const hiddenWidths = model.layout.layers.slice(0, -1).map((L) => L.outDim);

  const owned = ownedTensors(k), make = owned.make;
  const one = make(Math.max(passOnes(model, n, Math.max(1, noiseBlocks)), P, S));
  k.fill(one, 1);
  const theta0 = make(D), loss = make(records * o.paths), norm = make(records * o.paths);
  const final = o.keepFinal ? make(o.paths * D) : null;
  const factorRows = frozen ? make(S * D) : null, factorMean = frozen ? make(D) : null;
  const maskBatches = frozen ? new MaskGradientBatches(model, data, Math.min(S, masksPerPass(model, n))) : null;
  let batch: Batch | null = null;
  const weightsHost = new Float32Array(P * Math.max(1, noiseBlocks)), zHost = new Float32Array(Math.max(S, o.pairs));
  const zScratch = new Float32Array(Math.max(S, o.pairs)), pairHost = new Float32Array(2 * o.pairs * o.coupling);
  const zAll = new Float32Array(P * S);
  k.copy(model.params, theta0);
  let div = 1;

  // Mask rows are drawn on the host from the same counter generator as the mask kernel (bit-identical
  // values: src/random/counter-hash.ts is its reference), one upload a step instead of a kernel
  // launch per (path, block, layer).
  const threshold = keepThreshold(keep), invKeep = Math.fround(1 / keep);
  const etaHost = hiddenWidths.map((w) => new Float32Array(P * Math.max(1, noiseBlocks) * w).fill(1));
  /** Mask rows of path i's block j (every hidden layer) from the draw { seed, step }. */
  const drawMasks = (b: PassBuffers, i: number, j: number, seed: number, step: number) => {
    hiddenWidths.forEach((units, l) => {
      const host = etaHost[l]!, at = (i * b.blocks + j) * units;
      for (let u = 0; u < units; u++) host[at + u] = maskValue(counterHash(seed, step, l, u, 0), threshold, invKeep);
    });
  };
  const uploadMasks = (b: PassBuffers) => {
    hiddenWidths.forEach((units, l) => k.write(b.eta[l]!, etaHost[l]!.subarray(0, b.paths * b.blocks * units)));
  };

  try {
    for (let p0 = 0; p0 < o.paths; p0 += P) {
      const Pb = Math.min(P, o.paths - p0);
      if (!batch || batch.paths !== Pb) {
        if (batch) disposeBatch(k, batch);
        batch = allocateBatch(k, model, data, Pb, noiseBlocks, needsHvp(o.method), frozen ? S : 0, one);
      }
      const sources = Array.from({ length: Pb }, (_, i) => pathSource(o, p0 + i));
      const B = batch, seeds = sources.map((s) => s.seed), signs = sources.map((s) => s.sign);
      repeatRows(k, one, theta0, B.theta, D, Pb);
      for (let step = 0; step <= o.steps; step++) {
        if (signal) await checkAbort(signal);
        if (step % o.recordEvery === 0) {
          const offset = (step / o.recordEvery) * o.paths + p0;
          passForward(k, model, data, B.one, B.theta, false);
          div = passLossHead(k, model, data, B.one, loss, offset);
          k.mul(B.theta, B.theta, B.scratch);
          k.gemm(B.scratch, one, norm, { m: Pb, n: 1, k: D, offsetC: offset });
        }
        if (step === o.steps) break;
        for (let s = 0; s < sub; s++) {
          const t = step * sub + s;
          if (!sme) {
            const masked = o.method === 'dropout-gd' && keep < 1;
            if (masked) {
              for (let i = 0; i < Pb; i++) drawMasks(B.one, i, 0, seeds[i]!, t);
              uploadMasks(B.one);
            }
            passForward(k, model, data, B.one, B.theta, masked);
            passLossHead(k, model, data, B.one, null);
            passBackward(k, model, data, B.one, B.theta, B.update, { weight: -eps, masked, penalty: -eps * penalty });
            k.axpy(1, B.update, B.theta);
            continue;
          }
          if (pairs) {
            // Block weights: the drift block (order 1 only), then √(εh)·(pairWeights) per mask.
            const first = o.method === 'sme1' ? 1 : 0, r = B.noise!.blocks, masks = r - first;
            for (let i = 0; i < Pb; i++) {
              if (first) weightsHost[i * r] = -h;
              pairWeights(o.pairs, o.coupling, seeds[i]!, t, signs[i]!, pairHost, zHost, noiseScale);
              weightsHost.set(pairHost, i * r + first);
              for (let j = 0; j < masks; j++) drawMasks(B.noise!, i, first + j, seeds[i]!, t * masks + j);
            }
            k.write(B.noise!.weights, weightsHost.subarray(0, Pb * r));
            uploadMasks(B.noise!);
            if (o.method === 'sme1') {
              // One pass: −h∇L_S + √(εh)ζ.
              passForward(k, model, data, B.noise!, B.theta, true);
              passLossHead(k, model, data, B.noise!, null);
              passBackward(k, model, data, B.noise!, B.theta, B.update, { weight: 'per-block', masked: true, penalty: -h * penalty });
              k.axpy(1, B.update, B.theta);
              continue;
            }
          }
          // ∇L_S, and for order 2 its HVP, at Θ (before Θ moves).
          passForward(k, model, data, B.one, B.theta, false);
          // Layer 0 at Θ is the same for the HVP and the noise pass: one GEMM, copied before the
          // drift pass's backward overwrites it.
          if (B.hvp) shareLayer0(k, B.one, { pre: B.hvp.pre[0]!, act: B.hvp.hid[0]! });
          if (pairs) shareLayer0(k, B.one, { pre: B.noise!.pre0, act: B.noise!.act0 });
          passLossHead(k, model, data, B.one, null);
          passBackward(k, model, data, B.one, B.theta, B.grad, { weight: 1, masked: false, penalty });
          if (o.method === 'sme2') batchedHvp(k, model, data, B.hvp!, B.theta, B.grad, B.hgrad, penalty !== 0, true);
          if (pairs) {
            passForward(k, model, data, B.noise!, B.theta, true, true);
            passLossHead(k, model, data, B.noise!, null);
            passBackward(k, model, data, B.noise!, B.theta, B.update, { weight: 'per-block', masked: true, penalty: 0 });
          } else if (frozen) {
            if (t % o.refresh === 0) refreshFactors(t, seeds, B);
            for (let i = 0; i < Pb; i++) zAll.set(frozenGaussians(S, seeds[i]!, t, o.coupling, signs[i]!, zHost, zScratch).subarray(0, S), i * S);
            k.write(B.z!, zAll.subarray(0, Pb * S));
            k.gemm(B.z!, B.factor!, B.update, { m: 1, n: D, k: S, batch: Pb, strideA: S, strideB: S * D, strideC: D, alpha: noiseScale });
          }
          if (o.method === 'sme2c') {
            // v = −h∇L_S + √(εh)ζ, then Θ += v + (ε/2)H_{L_S}v: the order-2 drift and the noise
            // (I + (ε/2)H)ζ, whose covariance is Σ + (ε/2)(HΣ + ΣH) + O(ε²), in one R-operator pass.
            if (!(pairs || frozen)) k.fill(B.update, 0);
            k.axpy(-h, B.grad, B.update);
            batchedHvp(k, model, data, B.hvp!, B.theta, B.update, B.hgrad, penalty !== 0, true);
            k.axpy(1, B.update, B.theta);
            k.axpy(eps / 2, B.hgrad, B.theta);
            continue;
          }
          k.axpy(-h, B.grad, B.theta);
          if (o.method === 'sme2') k.axpy((-h * eps) / 2, B.hgrad, B.theta);
          if (pairs || frozen) k.axpy(1, B.update, B.theta);
        }
      }
      if (final) k.copy(B.theta, final, 0, p0 * D, Pb * D);
      if (onProgress) {
        await k.flush();
        onProgress(p0 + Pb, o.paths);
      }
    }
    const [lossHost, normHost] = [(await k.read(loss)) as Float32Array, (await k.read(norm)) as Float32Array];
    // Device order is records × paths; the result is paths × records.
    const lossOut = new Float32Array(o.paths * records), normOut = new Float32Array(o.paths * records);
    for (let r = 0; r < records; r++) {
      for (let p = 0; p < o.paths; p++) {
        lossOut[p * records + r] = lossHost[r * o.paths + p]! / div;
        normOut[p * records + r] = normHost[r * o.paths + p]!;
      }
    }
    return {
      method: o.method, lr: eps, paths: o.paths, times: recordTimes(o),
      loss: lossOut, normSq: normOut,
      final: final ? ((await k.read(final)) as Float32Array) : null,
    };
  } finally {
    k.copy(theta0, model.params);
    if (batch) disposeBatch(k, batch);
    maskBatches?.dispose();
    owned.dispose();
  }

  /**
   * Each path's frozen factor G_p (S × D, centred, /√(S−1)) at its current θ, from the batched mask
   * pass on the model's parameter tensor (restored at the end): every `refresh` steps only.
   */
  function refreshFactors(t: number, seeds: number[], B: Batch): void {
    for (let i = 0; i < seeds.length; i++) {
      k.copy(B.theta, model.params, i * D, 0, D);
      gradientSamples(model, data, S, seeds[i]!, (t / o.refresh) * S, factorRows!, maskBatches!);
      centreRows(model, factorRows!, factorMean!, S);
      k.copy(factorRows!, B.factor!, 0, i * S * D, S * D);
    }
  }
}

function allocateBatch(k: Backend, model: Mlp, data: DeviceDataset, P: number, noiseBlocks: number, hvp: boolean, samples: number, one: Tensor): Batch {
  const { make, all } = ownedTensors(k);
  const D = model.size;
  const b: Batch = {
    paths: P,
    theta: make(P * D), update: make(P * D), grad: make(P * D), hgrad: make(hvp ? P * D : 1), scratch: make(P * D),
    one: allocatePass(k, model, data, P, 1, one),
    noise: noiseBlocks > 0 ? allocatePass(k, model, data, P, noiseBlocks, one) : null,
    hvp: hvp ? allocateHvp(k, model, data.n, P, one) : null,
    factor: samples > 0 ? make(P * samples * D) : null,
    z: samples > 0 ? make(P * samples) : null,
    all, passes: [],
  };
  b.passes = [b.one, ...(b.noise ? [b.noise] : []), ...(b.hvp ? [b.hvp] : [])];
  return b;
}

function disposeBatch(k: Backend, b: Batch): void {
  for (const t of b.all) k.dispose(t);
  for (const p of b.passes) for (const t of p.all) k.dispose(t);
}
