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
 * Each method's step is its own stepper (steppers/make-stepper.ts); this file runs the batches and
 * records R_S and ‖θ‖².
 */
import { checkAbort } from '../abort.js';
import { ownedTensors } from '../model/owned-tensors.js';
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { dropoutVariance, hasClosedForm } from '../model/modified-loss.js';
import { hvpFloats } from './path-hvp.js';
import { allocatePass, passFloats, passForward, passLossHead, passOnes, repeatRows } from './path-pass.js';
import { isSme, needsHvp, pathSource, recordTimes, type PathsResult, type ResolvedSimulate } from './path-options.js';
import { HostMasks } from './steppers/host-masks.js';
import { stepperFactory } from './steppers/make-stepper.js';
import { pairBlocks } from './steppers/mask-pairs.js';
import type { PathBatch, Stepper } from './steppers/stepper.js';

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

/** The blocks of a step's mask-pair pass (0 without one) and the per-path floats of a run's buffers. */
function plan(model: Mlp, n: number, o: ResolvedSimulate) {
  const sme = isSme(o.method);
  const noiseBlocks = sme && o.noise === 'mask-pair' ? (o.method === 'sme1' ? 1 : 0) + pairBlocks(o) : 0;
  let perPath = passFloats(model, n, 1) + 5 * model.size;
  if (noiseBlocks > 0) perPath += passFloats(model, n, noiseBlocks);
  if (needsHvp(o.method)) perPath += hvpFloats(model, n);
  if (sme && o.noise === 'frozen') perPath += o.samples * (model.size + 1);
  return { sme, noiseBlocks, perPath };
}

export async function simulateBatched(
  model: Mlp, data: DeviceDataset, o: ResolvedSimulate, onProgress?: (done: number, total: number) => void, signal?: AbortSignal,
): Promise<PathsResult> {
  model.prepare(data);
  const k = model.kernels, D = model.size, n = data.n, eps = o.lr, keep = model.keep;
  const { sme, noiseBlocks, perPath } = plan(model, n, o);
  const sub = sme ? o.substeps : 1, h = eps / sub;
  const records = Math.floor(o.steps / o.recordEvery) + 1;
  const P = Math.min(o.paths, o.pathsPerBatch ?? Math.max(1, Math.floor(PATH_BUDGET / perPath)));
  const penalty = keep < 1 && (o.method === 'gd-modified' || sme) ? dropoutVariance(keep) / n : 0;

  const owned = ownedTensors(k), make = owned.make;
  const one = make(Math.max(passOnes(model, n, Math.max(1, noiseBlocks)), P, o.samples));
  k.fill(one, 1);
  const theta0 = make(D), loss = make(records * o.paths), norm = make(records * o.paths);
  const final = o.keepFinal ? make(o.paths * D) : null;
  const masks = new HostMasks(k, model, P, Math.max(1, noiseBlocks));
  const steppers = stepperFactory({ k, model, data, o, eps, h, noiseScale: Math.sqrt(eps * h), penalty, one, masks });
  let batch: { buffers: BatchBuffers; stepper: Stepper } | null = null;
  k.copy(model.params, theta0);
  let div = 1;

  try {
    for (let p0 = 0; p0 < o.paths; p0 += P) {
      const Pb = Math.min(P, o.paths - p0);
      if (!batch || batch.buffers.batch.paths !== Pb) {
        if (batch) disposeBatch(batch);
        const buffers = allocateBatch(k, model, data, Pb, one);
        batch = { buffers, stepper: steppers.forBatch(buffers.batch) };
      }
      const sources = Array.from({ length: Pb }, (_, i) => pathSource(o, p0 + i));
      const B = batch.buffers.batch, scratch = batch.buffers.scratch, stepper = batch.stepper;
      repeatRows(k, one, theta0, B.theta, D, Pb);
      for (let step = 0; step <= o.steps; step++) {
        if (signal) await checkAbort(signal);
        if (step % o.recordEvery === 0) {
          const offset = (step / o.recordEvery) * o.paths + p0;
          passForward(k, model, data, B.one, B.theta, false);
          div = passLossHead(k, model, data, B.one, loss, offset);
          k.mul(B.theta, B.theta, scratch);
          k.gemm(scratch, one, norm, { m: Pb, n: 1, k: D, offsetC: offset });
        }
        if (step === o.steps) break;
        for (let s = 0; s < sub; s++) stepper.step(step * sub + s, sources);
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
    lossHost.forEach((v, at) => (lossOut[(at % o.paths) * records + Math.floor(at / o.paths)] = v / div));
    normHost.forEach((v, at) => (normOut[(at % o.paths) * records + Math.floor(at / o.paths)] = v));
    return {
      method: o.method, lr: eps, paths: o.paths, times: recordTimes(o),
      loss: lossOut, normSq: normOut,
      final: final ? ((await k.read(final)) as Float32Array) : null,
    };
  } finally {
    k.copy(theta0, model.params);
    if (batch) disposeBatch(batch);
    steppers.dispose();
    owned.dispose();
  }
}

/** Θ, the 1-block pass at Θ (steps and records) and a P × D scratch for ‖θ‖², of one batch of P paths. */
interface BatchBuffers {
  batch: PathBatch;
  scratch: Tensor;
  dispose(): void;
}

function allocateBatch(k: Backend, model: Mlp, data: DeviceDataset, P: number, one: Tensor): BatchBuffers {
  const owned = ownedTensors(k);
  const theta = owned.make(P * model.size), scratch = owned.make(P * model.size);
  const pass = allocatePass(k, model, data, P, 1, one);
  owned.all.push(...pass.all);
  return { batch: { paths: P, theta, one: pass }, scratch, dispose: owned.dispose };
}

function disposeBatch(b: { buffers: BatchBuffers; stepper: Stepper }): void {
  b.stepper.dispose();
  b.buffers.dispose();
}
