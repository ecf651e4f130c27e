/**
 * Device buffers one forward/backward pass over `rows` samples needs, allocated once per
 * (model, rows) and reused every step, so training allocates nothing per step. Every buffer has
 * the exact size of the quantity it holds (elementwise kernels check sizes).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';

export interface Workspace {
  rows: number;
  /** Per layer: pre-activations (rows × out); the last is the network output. */
  pre: Tensor[];
  /** Per layer: ∂loss/∂pre-activation (rows × out). */
  dPre: Tensor[];
  /** Per hidden layer: σ(pre) ⊙ mask (rows × out), σ'(pre) scratch, dropout multipliers. */
  hidden: Tensor[];
  deriv: Tensor[];
  masks: Tensor[];
  /** Per hidden layer: two vectors of its width (column sums, column norms). */
  colA: Tensor[];
  colB: Tensor[];
  /** Scratch shaped like the last layer's weights (out × in). */
  lastW: Tensor;
  /** Ones, max(rows, widest layer) long: bias gradients and column sums as GEMMs. */
  ones: Tensor;
  /** Per-row losses (cross-entropy). */
  rowLoss: Tensor;
  /** Gradient (D). */
  grad: Tensor;
  dispose(): void;
}

export function createWorkspace(k: Backend, layout: MlpLayout, rows: number, masksPerSample: boolean): Workspace {
  const all: Tensor[] = [];
  const make = (size: number) => {
    const t = k.create(Math.max(1, size));
    all.push(t);
    return t;
  };
  const hiddenLayers = layout.layers.slice(0, -1);
  const last = layout.layers[layout.layers.length - 1]!;
  const ones = make(Math.max(rows, ...layout.sizes));
  k.fill(ones, 1);
  return {
    rows,
    pre: layout.layers.map((l) => make(rows * l.outDim)),
    dPre: layout.layers.map((l) => make(rows * l.outDim)),
    hidden: hiddenLayers.map((l) => make(rows * l.outDim)),
    deriv: hiddenLayers.map((l) => make(rows * l.outDim)),
    masks: hiddenLayers.map((l) => make((masksPerSample ? rows : 1) * l.outDim)),
    colA: hiddenLayers.map((l) => make(l.outDim)),
    colB: hiddenLayers.map((l) => make(l.outDim)),
    lastW: make(last.inDim * last.outDim),
    ones,
    rowLoss: make(rows),
    grad: make(layout.size),
    dispose: () => {
      for (const t of all) if (!t.disposed) k.dispose(t);
    },
  };
}
