/**
 * Extra device buffers of a Hessian-vector product (R-operator) pass over `rows` samples, created
 * on the first hvp for that batch size: the directional derivatives R(·) of every forward and
 * backward quantity, and the product itself.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';

export interface RWorkspace {
  /** R(pre-activation) and R(∂loss/∂pre) per layer (rows × out). */
  rPre: Tensor[];
  rDPre: Tensor[];
  /** R(hidden output) and a σ'' scratch per hidden layer (rows × out). */
  rHidden: Tensor[];
  second: Tensor[];
  /** R(q) and R(s) of the modified-loss penalty (hidden width). */
  rColA: Tensor[];
  rColB: Tensor[];
  /** A second scratch shaped like the last layer's weights. */
  lastW2: Tensor;
  /** Softmax probabilities and their R (rows × out), and row sums (rows), for cross-entropy. */
  prob: Tensor;
  rProb: Tensor;
  rowSum: Tensor;
  /** The direction v and the product Hv (D). */
  v: Tensor;
  hv: Tensor;
  dispose(): void;
}

export function createRWorkspace(k: Backend, layout: MlpLayout, rows: number): RWorkspace {
  const all: Tensor[] = [];
  const make = (size: number) => {
    const t = k.create(Math.max(1, size));
    all.push(t);
    return t;
  };
  const hidden = layout.layers.slice(0, -1);
  const last = layout.layers[layout.layers.length - 1]!;
  return {
    rPre: layout.layers.map((l) => make(rows * l.outDim)),
    rDPre: layout.layers.map((l) => make(rows * l.outDim)),
    rHidden: hidden.map((l) => make(rows * l.outDim)),
    second: hidden.map((l) => make(rows * l.outDim)),
    rColA: hidden.map((l) => make(l.outDim)),
    rColB: hidden.map((l) => make(l.outDim)),
    lastW2: make(last.inDim * last.outDim),
    prob: make(rows * last.outDim),
    rProb: make(rows * last.outDim),
    rowSum: make(rows),
    v: make(layout.size),
    hv: make(layout.size),
    dispose: () => {
      for (const t of all) if (!t.disposed) k.dispose(t);
    },
  };
}
