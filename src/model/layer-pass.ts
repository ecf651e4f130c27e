/**
 * The MLP's forward pass, loss head and backward pass, written once for every layout of
 * pass-shape.ts (one batch, M masks, P paths × r blocks). Layer l computes
 * pre_l = input·W_lᵀ + b_l; hidden layers apply σ and then the dropout multipliers η; the last
 * layer is linear (docs/math.md §1).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { addBias, applyEta, setStride, type LayerBuffers, type PassShape } from './pass-shape.js';
import { repeatBlocks } from './strided.js';

/** The loss: 'mse' (squared error, R_S = 1/(2n) Σ‖f − y‖²) or 'xent' (softmax cross-entropy). */
export type LossKind = 'mse' | 'xent';

export interface ForwardOptions {
  /** Multiply hidden outputs by the multipliers in b.eta. */
  masked: boolean;
  /** pre[0] and act0 already hold layer 0 at θ (copied from another pass), so it is not run again. */
  layer0Ready?: boolean;
  /** pre[0] already holds x·W₀ᵀ (one product with another pass's: hvp.ts hvpLayer0); its bias and σ are still applied. */
  pre0Ready?: boolean;
  /** Writes layer l's multipliers into eta just before they are applied (masks drawn per pass). */
  draw?: (l: number, eta: Tensor) => void;
}

export function forwardLayers(k: Backend, s: PassShape, b: LayerBuffers, theta: Tensor, x: Tensor, o: ForwardOptions): void {
  const layers = s.layers, last = layers.length - 1, L0 = layers[0]!, n = s.n, wStride = setStride(s);
  if (!o.layer0Ready) {
    if (!o.pre0Ready) {
      k.gemm(x, theta, b.pre[0]!, {
        m: n, n: L0.outDim, k: L0.inDim, batch: s.sets, transB: true,
        strideA: 0, strideB: wStride, strideC: n * L0.outDim, offsetB: L0.wOffset,
      });
    }
    addBias(k, s, b.pre[0]!, theta, L0, s.sets, n);
    if (last === 0) return;
    k.activation(b.pre[0]!, b.act0, s.activation);
  }
  if (b.act0 !== b.hid[0]) {
    const len = n * L0.outDim;
    repeatBlocks(k, s.one, b.act0, b.hid[0]!, len, (s.entries * s.rows) / (s.sets * n), s.sets);
  }
  for (let l = 0; l < last; l++) {
    const L = layers[l + 1]!;
    if (l > 0) k.activation(b.pre[l]!, b.hid[l]!, s.activation);
    if (o.masked) {
      o.draw?.(l, b.eta[l]!);
      applyEta(k, s, b.eta[l]!, l, b.hid[l]!);
    }
    k.gemm(b.hid[l]!, theta, b.pre[l + 1]!, {
      m: s.rows, n: L.outDim, k: L.inDim, batch: s.entries, transB: true,
      strideA: s.rows * L.inDim, strideB: wStride, strideC: s.rows * L.outDim, offsetB: L.wOffset,
    });
    addBias(k, s, b.pre[l + 1]!, theta, L, s.entries, s.rows);
  }
}

/** Where a loss head writes its row-loss sums: nowhere, one total, or one per parameter set. */
export type LossSums = null | { total: Tensor; slot: number } | { perSet: Tensor; offset: number };

/**
 * After forwardLayers: ∂loss/∂output (divided by n) into dPre[last], and the row-loss sums as asked
 * (the per-set MSE sums overwrite the output pre[last]). `targets` holds y (n × c) repeated over
 * every block (y itself when there is one block); cross-entropy needs it, MSE uses it where given
 * and otherwise subtracts y from every block in one GEMM.
 * Returns the loss divisor: 2n for MSE, n for cross-entropy.
 */
export function lossHeadLayers(
  k: Backend, s: PassShape, loss: LossKind, b: { pre: Tensor[]; dPre: Tensor[]; rowLoss: Tensor | null },
  y: Tensor, targets: Tensor | null, sums: LossSums,
): number {
  const last = s.layers.length - 1, c = s.layers[last]!.outDim, n = s.n, total = s.entries * s.rows;
  const out = b.pre[last]!, d = b.dPre[last]!;
  if (loss === 'mse') {
    k.copy(out, d);
    // d −= y for every block: one axpy with the repeated targets, or alpha −1 on 1·y added to d.
    if (targets) k.axpy(-1, targets, d);
    else k.gemm(s.one, y, d, { m: 1, n: n * c, k: 1, batch: total / n, strideA: 0, strideB: 0, strideC: n * c, alpha: -1, beta: 1 });
    if (sums && 'total' in sums) k.reduce('sumsq', d, null, sums.total, sums.slot);
    else if (sums) {
      k.mul(d, d, out);
      k.gemm(out, s.one, sums.perSet, { m: s.sets, n: 1, k: (total / s.sets) * c, offsetC: sums.offset });
    }
    k.scale(1 / n, d);
    return 2 * n;
  }
  const rowLoss = b.rowLoss!;
  k.softmaxXent(out, targets!, d, rowLoss, { rows: total, cols: c });
  if (sums && 'total' in sums) k.reduce('sum', rowLoss, null, sums.total, sums.slot);
  else if (sums) k.gemm(rowLoss, s.one, sums.perSet, { m: s.sets, n: 1, k: total / s.sets, offsetC: sums.offset });
  k.scale(1 / n, d);
  return n;
}

export interface BackwardOptions {
  /** Use the multipliers of the forward pass. */
  masked: boolean;
  /** Element offset of the first gradient vector in `out`. */
  outOffset?: number;
  /** Add to the last layer's weight gradient (a term already written there) instead of overwriting it. */
  accumulateLast?: boolean;
  /** Adds extra terms to ∂/∂(output of hidden layer l) before its mask and σ′ (the L_S penalty). */
  hook?: (l: number, dHidden: Tensor) => void;
  /** deriv0 already holds σ′(pre[0]) at θ (kept from an earlier pass at the same θ), so it is not evaluated again. */
  deriv0Ready?: boolean;
}

/**
 * Back-propagates dPre[last] into out (entry e's gradient at outOffset + e·stride), overwriting it
 * (but see accumulateLast). For layer 0, whose input x is shared, an entry's δ's are first summed
 * over its blocks and σ′ (mask-independent) applied after the sum, then one GEMM with x.
 */
export function backwardLayers(k: Backend, s: PassShape, b: LayerBuffers, theta: Tensor, x: Tensor, out: Tensor, o: BackwardOptions): void {
  const layers = s.layers, last = layers.length - 1, n = s.n, R = s.rows, E = s.entries, off = o.outOffset ?? 0;
  const accumulate = (l: number) => (o.accumulateLast && l === last ? 1 : 0);
  const biasGrad = (d: Tensor, L: (typeof layers)[number], rows: number) => {
    if (L.bOffset >= 0) k.gemm(s.one, d, out, { m: 1, n: L.outDim, k: rows, batch: E, strideA: 0, strideB: rows * L.outDim, strideC: s.stride, offsetC: off + L.bOffset });
  };
  for (let l = last; l >= 1; l--) {
    const L = layers[l]!, d = b.dPre[l]!, a = b.hid[l - 1]!;
    k.gemm(d, a, out, {
      m: L.outDim, n: L.inDim, k: R, batch: E, transA: true,
      strideA: R * L.outDim, strideB: R * L.inDim, strideC: s.stride, offsetC: off + L.wOffset, beta: accumulate(l),
    });
    biasGrad(d, L, R);
    // ∂/∂(hidden l−1) = δ_l W_l (dPre[l−1] may be hid[l−1], whose values were last needed just above).
    const g = b.dPre[l - 1]!;
    k.gemm(d, theta, g, { m: R, n: L.inDim, k: L.outDim, batch: E, strideA: R * L.outDim, strideB: setStride(s), offsetB: L.wOffset, strideC: R * L.inDim });
    o.hook?.(l - 1, g);
    if (o.masked) applyEta(k, s, b.eta[l - 1]!, l - 1, g);
    if (l - 1 > 0) {
      k.activation(b.pre[l - 1]!, b.deriv[l - 1]!, s.activation, 1);
      k.mul(g, b.deriv[l - 1]!, g);
    }
  }
  const L0 = layers[0]!, h0 = L0.outDim;
  let d0 = b.dPre[0]!;
  if (last > 0) {
    if (R > n) {
      k.gemm(s.one, d0, b.sum0!, { m: 1, n: n * h0, k: R / n, batch: E, strideA: 0, strideB: R * h0, strideC: n * h0 });
      d0 = b.sum0!;
    }
    if (!o.deriv0Ready) k.activation(b.pre[0]!, b.deriv0, s.activation, 1);
    if (E > s.sets) {
      repeatBlocks(k, s.one, b.deriv0, b.deriv[0]!, n * h0, E / s.sets, s.sets);
      k.mul(d0, b.deriv[0]!, d0);
    } else {
      k.mul(d0, b.deriv0, d0);
    }
  }
  k.gemm(d0, x, out, {
    m: h0, n: L0.inDim, k: n, batch: E, transA: true,
    strideA: n * h0, strideB: 0, strideC: s.stride, offsetC: off + L0.wOffset, beta: accumulate(0),
  });
  biasGrad(d0, L0, n);
}
