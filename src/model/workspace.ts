/**
 * Device buffers one forward/backward pass over `rows` samples needs, allocated once per
 * (model, rows) and reused every step, so training allocates nothing per step. Every buffer has
 * the exact size of the quantity it holds (elementwise kernels check sizes).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';
import { ownedTensors } from './owned-tensors.js';
import type { LayerBuffers } from './pass-shape.js';
import type { PenaltyBuffers } from './penalty.js';

export interface Workspace extends LayerBuffers {
  rows: number;
  /*
   * From LayerBuffers: pre, dPre per layer (rows × out; the last pre is the network output); hid
   * (σ(pre) ⊙ mask), deriv (σ′ scratch) and eta (dropout multipliers) per hidden layer; act0 is
   * hid[0] and deriv0 is deriv[0] (one block: nothing is repeated).
   */
  /** The closed-form penalty's terms (its z-sized scratch is deriv[0], free whenever it runs). */
  penalty: PenaltyBuffers;
  /** Ones, max(rows, widest layer) long: bias gradients and column sums as GEMMs. */
  ones: Tensor;
  /** Per-row losses (cross-entropy). */
  rowLoss: Tensor;
  /** Gradient (D). */
  grad: Tensor;
  dispose(): void;
}

export function createWorkspace(k: Backend, layout: MlpLayout, rows: number, masksPerSample: boolean): Workspace {
  const { make, dispose } = ownedTensors(k);
  const hiddenLayers = layout.layers.slice(0, -1);
  const first = layout.layers[0]!, last = layout.layers[layout.layers.length - 1]!;
  const ones = make(Math.max(rows, ...layout.sizes));
  k.fill(ones, 1);
  const hid = hiddenLayers.map((l) => make(rows * l.outDim));
  const deriv = hiddenLayers.map((l) => make(rows * l.outDim));
  const lastW = () => make(last.inDim * last.outDim);
  return {
    rows,
    pre: layout.layers.map((l) => make(rows * l.outDim)),
    dPre: layout.layers.map((l) => make(rows * l.outDim)),
    hid, deriv,
    act0: hid[0]!, deriv0: deriv[0]!,
    eta: hiddenLayers.map((l) => make((masksPerSample ? rows : 1) * l.outDim)),
    sum0: null,
    penalty: { q: make(first.outDim), s: make(first.outDim), wOut: lastW(), wSq: lastW(), tmp: deriv[0]! },
    ones,
    rowLoss: make(rows),
    grad: make(layout.size),
    dispose,
  };
}
