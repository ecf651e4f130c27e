/**
 * SMEs whose drift is its own pass (docs/math.md §4.4, §4.7), with a noise part (mask pairs, a frozen
 * factor, or none; noise-part.ts). At Θ, before Θ moves: ∇L_S (1 block), then
 *   order 1:  Θ += −h∇L_S + √(εh)ζ;
 *   order 2:  H_{L_S}∇L_S (batched R-operator), Θ += −h∇L_S − (hε/2)H∇L_S + √(εh)ζ;
 *   order 2, corrected diffusion: v = −h∇L_S + √(εh)ζ, then Θ += v + (ε/2)H_{L_S}v in one R-operator
 *   pass: the order-2 drift and the noise (I + (ε/2)H)ζ, whose covariance is Σ + (ε/2)(HΣ + ΣH) + O(ε²).
 * Layer 0 at Θ is the same for the drift, the HVP and the mask-pair pass: one GEMM, copied before the
 * drift pass's backward overwrites it.
 */
import type { Tensor } from '../../backend/backend.js';
import { ownedTensors, type OwnedTensors } from '../../model/owned-tensors.js';
import { allocateHvp, batchedHvp, type HvpBuffers } from '../path-hvp.js';
import { passBackward, passForward, passLossHead, shareLayer0 } from '../path-pass.js';
import type { SmeMethod } from '../path-options.js';
import type { NoisePart } from './noise-part.js';
import type { PathBatch, PathSources, StepContext, Stepper } from './stepper.js';

export function driftStepper(c: StepContext, b: PathBatch, method: SmeMethod, noise: NoisePart): Stepper {
  const owned = ownedTensors(c.k);
  const step = method === 'sme1' ? sme1Step(c, b, noise, owned) : method === 'sme2' ? sme2Step(c, b, noise, owned) : sme2cStep(c, b, noise, owned);
  return {
    step,
    dispose(): void {
      noise.dispose();
      owned.dispose();
    },
  };
}

type Step = (t: number, sources: PathSources) => void;

/** ∇L_S at Θ into grad, sharing layer 0 with the HVP's buffers (when given) and the noise part. */
function gradient(c: StepContext, b: PathBatch, noise: NoisePart, grad: Tensor, hvp: HvpBuffers | null): void {
  const { k, model, data } = c;
  passForward(k, model, data, b.one, b.theta, false);
  if (hvp) shareLayer0(k, b.one, { pre: layer0Pre(hvp), act: hvp.act0 });
  if (noise.layer0) shareLayer0(k, b.one, noise.layer0);
  passLossHead(k, model, data, b.one, null);
  passBackward(k, model, data, b.one, b.theta, grad, { weight: 1, masked: false, penalty: c.penalty });
}

function layer0Pre(hvp: HvpBuffers): Tensor {
  const pre = hvp.pre[0];
  if (!pre) throw new Error('HVP buffers without a layer 0');
  return pre;
}

function sme1Step(c: StepContext, b: PathBatch, noise: NoisePart, owned: OwnedTensors): Step {
  const { k } = c, grad = owned.make(b.paths * c.model.size), update = owned.make(b.paths * c.model.size);
  return (t, sources) => {
    noise.prepare(t, sources);
    gradient(c, b, noise, grad, null);
    const noisy = noise.sample(t, sources, b.theta, update);
    k.axpy(-c.h, grad, b.theta);
    if (noisy) k.axpy(1, update, b.theta);
  };
}

/** The order-2 steps' buffers: ∇L_S, an increment (P × D), H times a vector (P × D) and the HVP pass. */
function order2Buffers(c: StepContext, b: PathBatch, owned: OwnedTensors) {
  const D = c.model.size;
  const grad = owned.make(b.paths * D), hv = owned.make(b.paths * D), v = owned.make(b.paths * D);
  const hvp = allocateHvp(c.k, c.model, c.data.n, b.paths, c.one);
  owned.all.push(...hvp.all);
  return { grad, hv, v, hvp };
}

function sme2Step(c: StepContext, b: PathBatch, noise: NoisePart, owned: OwnedTensors): Step {
  const { k, model, data } = c, { grad, hv: hgrad, v: update, hvp } = order2Buffers(c, b, owned);
  return (t, sources) => {
    noise.prepare(t, sources);
    gradient(c, b, noise, grad, hvp);
    batchedHvp(k, model, data, hvp, b.theta, grad, hgrad, c.penalty !== 0, true);
    const noisy = noise.sample(t, sources, b.theta, update);
    k.axpy(-c.h, grad, b.theta);
    k.axpy((-c.h * c.eps) / 2, hgrad, b.theta);
    if (noisy) k.axpy(1, update, b.theta);
  };
}

function sme2cStep(c: StepContext, b: PathBatch, noise: NoisePart, owned: OwnedTensors): Step {
  const { k, model, data } = c, { grad, hv, v, hvp } = order2Buffers(c, b, owned);
  return (t, sources) => {
    noise.prepare(t, sources);
    gradient(c, b, noise, grad, hvp);
    if (!noise.sample(t, sources, b.theta, v)) k.fill(v, 0);
    k.axpy(-c.h, grad, v);
    batchedHvp(k, model, data, hvp, b.theta, v, hv, c.penalty !== 0, true);
    k.axpy(1, v, b.theta);
    k.axpy(c.eps / 2, hv, b.theta);
  };
}
