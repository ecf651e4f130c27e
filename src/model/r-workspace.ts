/**
 * Extra device buffers of a Hessian-vector product (R-operator) pass over `rows` samples, created
 * on the first hvp for that batch size: the directional derivatives R(·) of every forward and
 * backward quantity, and the product itself.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';
import { ownedTensors } from './owned-tensors.js';
import type { PenaltyRBuffers } from './penalty.js';
import type { RBuffers } from './r-pass.js';

export interface RWorkspace extends RBuffers {
  /*
   * From RBuffers: rPre, rDPre per layer (rows × out); rHid and the σ″ scratch `second` per hidden
   * layer; prob, rProb (rows × out) and rowSum (rows) for cross-entropy.
   */
  /** The penalty's R-terms (its z-sized scratch is second[0], free whenever they run). */
  penalty: PenaltyRBuffers;
  /** The direction v and the product Hv (D). */
  v: Tensor;
  hv: Tensor;
  /**
   * Scratch of hvpLayer0 (a lone HVP's layer 0 of both passes as one product): [W₀; V₀] and
   * [x·W₀ᵀ; x·V₀ᵀ], made on first use (2·rows·h₀ floats, where HVPs at one θ need none).
   */
  layer0Pair(): { weights: Tensor; products: Tensor };
  dispose(): void;
}

export function createRWorkspace(k: Backend, layout: MlpLayout, rows: number): RWorkspace {
  const { make, dispose } = ownedTensors(k);
  const hidden = layout.layers.slice(0, -1);
  const first = layout.layers[0]!, last = layout.layers[layout.layers.length - 1]!;
  const second = hidden.map((l) => make(rows * l.outDim));
  let pair: { weights: Tensor; products: Tensor } | null = null;
  return {
    rPre: layout.layers.map((l) => make(rows * l.outDim)),
    rDPre: layout.layers.map((l) => make(rows * l.outDim)),
    rHid: hidden.map((l) => make(rows * l.outDim)),
    second,
    penalty: { rq: make(first.outDim), rs: make(first.outDim), vOut: make(last.inDim * last.outDim), tmp: second[0]! },
    prob: make(rows * last.outDim),
    rProb: make(rows * last.outDim),
    rowSum: make(rows),
    v: make(layout.size),
    hv: make(layout.size),
    layer0Pair: () => (pair ??= { weights: make(2 * first.outDim * first.inDim), products: make(2 * rows * first.outDim) }),
    dispose,
  };
}
