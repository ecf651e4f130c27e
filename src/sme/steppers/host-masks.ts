/**
 * Mask rows drawn on the host from the same counter generator as the mask kernel (bit-identical
 * values: src/random/counter-hash.ts is its reference), one upload a step instead of a kernel launch
 * per (path, block, layer).
 */
import type { Backend } from '../../backend/backend.js';
import type { Mlp } from '../../model/mlp.js';
import { counterHash, keepThreshold, maskValue } from '../../random/counter-hash.js';
import type { PassBuffers } from '../path-pass.js';

export class HostMasks {
  private readonly widths: number[];
  private readonly host: Float32Array[];
  private readonly threshold: number;
  private readonly invKeep: number;

  /** Room for `paths` paths of up to `blocks` blocks; rows not drawn stay 1 (unmasked). */
  constructor(private readonly k: Backend, model: Mlp, paths: number, blocks: number) {
    this.widths = model.layout.layers.slice(0, -1).map((L) => L.outDim);
    this.host = this.widths.map((w) => new Float32Array(paths * blocks * w).fill(1));
    this.threshold = keepThreshold(model.keep);
    this.invKeep = Math.fround(1 / model.keep);
  }

  /** Mask rows of path i's block j (every hidden layer) from the draw { seed, step }. */
  draw(b: PassBuffers, i: number, j: number, seed: number, step: number): void {
    this.widths.forEach((units, l) => {
      const host = this.rows(l), at = (i * b.blocks + j) * units;
      for (let u = 0; u < units; u++) host[at + u] = maskValue(counterHash(seed, step, l, u, 0), this.threshold, this.invKeep);
    });
  }

  /** Writes the drawn rows of b's paths and blocks to its mask tensors. */
  upload(b: PassBuffers): void {
    this.widths.forEach((units, l) => {
      const eta = b.eta[l];
      if (!eta) throw new Error(`pass buffers without the mask tensor of hidden layer ${l}`);
      this.k.write(eta, this.rows(l).subarray(0, b.paths * b.blocks * units));
    });
  }

  private rows(l: number): Float32Array {
    const host = this.host[l];
    if (!host) throw new Error(`no host mask rows for hidden layer ${l}`);
    return host;
  }
}
