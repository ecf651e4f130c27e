/**
 * The mask-pair noise pass (docs/math.md §4.3; samplers.ts pairWeights): 2Mr blocks per path, block
 * j the mask { seed_p, step: t·2Mr + j } with weight ±√(εh)·z/√(2M), so the pass sums to √(εh)ζ.
 * With a leading drift block (the order-1 SME's single pass, sme1-pairs.ts) block 0 is unmasked with
 * weight −h.
 */
import type { Tensor } from '../../backend/backend.js';
import { allocatePass, passBackward, passForward, passLossHead, type PassBuffers } from '../path-pass.js';
import { pairWeights } from '../samplers.js';
import type { NoisePart } from './noise-part.js';
import type { PathSources, StepContext } from './stepper.js';

/** The noise blocks of a step: 2M pairs' masks for each of the `coupling` finer sub-steps. */
export function pairBlocks(o: { pairs: number; coupling: number }): number {
  return 2 * o.pairs * o.coupling;
}

export class MaskPairs implements NoisePart {
  readonly pass: PassBuffers;
  readonly layer0: { pre: Tensor; act: Tensor };
  private readonly first: 0 | 1;
  private readonly weights: Float32Array<ArrayBuffer>;
  private readonly pairHost: Float32Array<ArrayBuffer>;
  private readonly zHost: Float32Array<ArrayBuffer>;

  /** `driftBlock`: whether block 0 is the unmasked drift block (weight −h). */
  constructor(private readonly c: StepContext, paths: number, driftBlock: boolean) {
    const o = c.o;
    this.first = driftBlock ? 1 : 0;
    this.pass = allocatePass(c.k, c.model, c.data, paths, this.first + pairBlocks(o), c.one);
    this.layer0 = { pre: this.pass.pre0, act: this.pass.act0 };
    this.weights = new Float32Array(paths * this.pass.blocks);
    this.pairHost = new Float32Array(pairBlocks(o));
    this.zHost = new Float32Array(Math.max(o.samples, o.pairs));
  }

  /** Block weights (the drift block, then √(εh)·pairWeights) and masks of sub-step t, uploaded. */
  prepare(t: number, sources: PathSources): void {
    const { c, first } = this, r = this.pass.blocks, masks = r - first;
    sources.forEach(({ seed, sign }, i) => {
      if (first) this.weights[i * r] = -c.h;
      pairWeights(c.o.pairs, c.o.coupling, seed, t, sign, this.pairHost, this.zHost, c.noiseScale);
      this.weights.set(this.pairHost, i * r + first);
      for (let j = 0; j < masks; j++) c.masks.draw(this.pass, i, first + j, seed, t * masks + j);
    });
    c.k.write(this.pass.weights, this.weights.subarray(0, sources.length * r));
    c.masks.upload(this.pass);
  }

  /** √(εh)ζ at Θ, layer 0 already copied in by the drift pass (shareLayer0). */
  sample(_t: number, _sources: PathSources, theta: Tensor, out: Tensor): boolean {
    const { k, model, data } = this.c;
    passForward(k, model, data, this.pass, theta, true, true);
    passLossHead(k, model, data, this.pass, null);
    passBackward(k, model, data, this.pass, theta, out, { weight: 'per-block', masked: true, penalty: 0 });
    return true;
  }

  dispose(): void {
    for (const t of this.pass.all) this.c.k.dispose(t);
  }
}
