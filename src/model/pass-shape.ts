/**
 * How one pass lays its rows and parameters out, so the same layer loops (layer-pass.ts, r-pass.ts)
 * serve one network on a batch, M masks of one network (noise/mask-gradients.ts) and P paths of r
 * mask blocks each (sme/path-pass.ts, sme/path-hvp.ts).
 *
 * Layer 0's pre-activation does not depend on the masks: it is computed once per parameter set over
 * the n samples and repeated over the blocks. The layers above run as `entries` GEMM batch entries
 * of `rows` rows each (rows = blocks per entry × n), the weights of entry e at e·stride in θ when
 * there is one parameter set per entry, or shared by every entry (stride 0) when there is one set.
 * Weight gradients land at e·stride in the output, one D-vector per entry, summed over the entry's
 * blocks.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import type { LayerLayout } from './layout.js';

export interface PassShape {
  layers: readonly LayerLayout[];
  activation: Activation;
  /** Samples (rows of x and y). */
  n: number;
  /** Parameter vectors: 1 (one θ shared by every entry) or `entries` (θ_e at e·stride). */
  sets: number;
  /** Elements between consecutive parameter (and gradient) vectors: D. */
  stride: number;
  /** GEMM batch entries of the layers above 0, and the rows of each (a multiple of n). */
  entries: number;
  rows: number;
  /** Dropout multipliers one per row (true) or one row per block of n rows (false). */
  perSampleMasks: boolean;
  /** Ones, as long as the pass's column sums, bias gradients and repeats need. */
  one: Tensor;
}

/** Buffers the forward and backward loops read and write (aliases allowed where noted). */
export interface LayerBuffers {
  /** Per layer: pre-activations; [0] is sets × n rows, the others entries × rows. */
  pre: Tensor[];
  /** Layer 0's output σ(pre[0]) before it is repeated over the blocks (may be hid[0]). */
  act0: Tensor;
  /** Per hidden layer: outputs after the multipliers (entries × rows). */
  hid: Tensor[];
  /** Per layer: ∂loss/∂pre-activation (entries × rows); dPre[l] may alias hid[l]. */
  dPre: Tensor[];
  /** Per hidden layer: σ′ scratch (may alias pre[l] for l ≥ 1); [0] used only when entries > sets. */
  deriv: Tensor[];
  /** σ′(pre[0]) scratch, sets × n (may alias pre[0]). */
  deriv0: Tensor;
  /** Per hidden layer: multipliers, one row per sample or per block. */
  eta: Tensor[];
  /** Layer 0's δ summed over an entry's blocks (entries × n), when rows > n. */
  sum0: Tensor | null;
}

/** Stride between parameter vectors as the GEMMs read them: 0 when every entry shares one θ. */
export function setStride(s: PassShape): number {
  return s.sets > 1 ? s.stride : 0;
}

/** Blocks (of n rows) in the whole pass. */
export function blockCount(s: PassShape): number {
  return (s.entries * s.rows) / s.n;
}

/** z += b_l (from w, per parameter set) over the rows of a layer-l quantity of `entries` entries. */
export function addBias(k: Backend, s: PassShape, z: Tensor, w: Tensor, L: LayerLayout, entries: number, rows: number): void {
  if (L.bOffset < 0) return;
  if (s.sets === 1) k.broadcast(z, w, z, { rows: entries * rows, cols: L.outDim, op: 'add', vOffset: L.bOffset });
  else k.broadcast(z, w, z, { rows, cols: L.outDim, op: 'add', batch: entries, vStride: s.stride, vOffset: L.bOffset });
}

/** t ⊙= η of hidden layer l: elementwise for per-sample masks, else one row per block. */
export function applyEta(k: Backend, s: PassShape, eta: Tensor, l: number, t: Tensor): void {
  const cols = s.layers[l]!.outDim;
  if (s.perSampleMasks) k.mul(t, eta, t);
  else k.broadcast(t, eta, t, { rows: s.n, cols, op: 'mul', batch: blockCount(s), vStride: cols });
}
