/**
 * The frozen-factor noise (docs/math.md §4.3): ζ_p = G_p z_p for all paths in one batched GEMM, each
 * path's factor G_p (S × D, centred, /√(S−1)) refreshed every `refresh` sub-steps from its own θ by
 * the batched mask pass.
 */
import type { Tensor } from '../../backend/backend.js';
import { ownedTensors, type OwnedTensors } from '../../model/owned-tensors.js';
import { MaskGradientBatches, masksPerPass } from '../../noise/mask-gradients.js';
import { centreRows, gradientSamples } from '../../noise/noise-factor.js';
import { frozenGaussians } from '../samplers.js';
import type { NoisePart } from './noise-part.js';
import type { PathSources, StepContext } from './stepper.js';

/** The run's factor workspace, shared by its batches: one path's S gradient rows, their mean, the mask passes. */
export class FrozenWorkspace {
  readonly rows: Tensor;
  readonly mean: Tensor;
  readonly batches: MaskGradientBatches;
  private readonly owned: OwnedTensors;

  constructor(c: StepContext) {
    const S = c.o.samples;
    this.owned = ownedTensors(c.k);
    this.rows = this.owned.make(S * c.model.size);
    this.mean = this.owned.make(c.model.size);
    this.batches = new MaskGradientBatches(c.model, c.data, Math.min(S, masksPerPass(c.model, c.data.n)));
  }

  dispose(): void {
    this.batches.dispose();
    this.owned.dispose();
  }
}

export class FrozenFactorNoise implements NoisePart {
  readonly layer0 = null;
  /** Every path's factor (P × S × D) and Gaussians (P × S). */
  private readonly factor: Tensor;
  private readonly z: Tensor;
  private readonly owned: OwnedTensors;
  private readonly zAll: Float32Array<ArrayBuffer>;
  private readonly zHost: Float32Array<ArrayBuffer>;
  private readonly zScratch: Float32Array<ArrayBuffer>;

  constructor(private readonly c: StepContext, private readonly ws: FrozenWorkspace, paths: number) {
    const S = c.o.samples;
    this.owned = ownedTensors(c.k);
    this.factor = this.owned.make(paths * S * c.model.size);
    this.z = this.owned.make(paths * S);
    this.zAll = new Float32Array(paths * S);
    this.zHost = new Float32Array(Math.max(S, c.o.pairs));
    this.zScratch = new Float32Array(Math.max(S, c.o.pairs));
  }

  prepare(): void {}

  sample(t: number, sources: PathSources, theta: Tensor, out: Tensor): boolean {
    const { k, model, o } = this.c, S = o.samples, D = model.size;
    if (t % o.refresh === 0) this.refresh(t, sources, theta);
    sources.forEach(({ seed, sign }, i) => this.zAll.set(frozenGaussians(S, seed, t, o.coupling, sign, this.zHost, this.zScratch).subarray(0, S), i * S));
    k.write(this.z, this.zAll.subarray(0, sources.length * S));
    k.gemm(this.z, this.factor, out, { m: 1, n: D, k: S, batch: sources.length, strideA: S, strideB: S * D, strideC: D, alpha: this.c.noiseScale });
    return true;
  }

  dispose(): void {
    this.owned.dispose();
  }

  /** Each path's G_p at its current θ, through the model's parameter tensor (the caller restores it). */
  private refresh(t: number, sources: PathSources, theta: Tensor): void {
    const { k, model, data, o } = this.c, S = o.samples, D = model.size, ws = this.ws;
    sources.forEach(({ seed }, i) => {
      k.copy(theta, model.params, i * D, 0, D);
      gradientSamples(model, data, S, seed, (t / o.refresh) * S, ws.rows, ws.batches);
      centreRows(model, ws.rows, ws.mean, S);
      k.copy(ws.rows, this.factor, 0, i * S * D, S * D);
    });
  }
}
