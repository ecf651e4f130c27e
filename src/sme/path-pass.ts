/**
 * One forward/backward pass of an MLP for P paths at once, each path with its own parameters (row
 * p of a P × D tensor Θ) and r mask blocks (r masked copies of the n samples, stacked as r·n rows).
 * The pass writes, per path, the *weighted sum* over blocks of the blocks' gradients,
 *   out[p] = Σ_j w_{p,j} ∇R_S^drop(Θ_p; η_{p,j})   (+ the L_S penalty's gradient on block 0),
 * which is all a step needs: the weights fold the learning rate and the mask-pair sampler's
 * ±z_j/√(2M) into the output δ, so every layer's weight gradient summed over blocks is one GEMM
 * reducing over the r·n stacked rows; for layer 0, whose input x is shared, the δ's are first
 * summed over blocks (the mask-independent σ' applied after the sum), then one GEMM with x.
 * Layer 0's pre-activation does not depend on the mask: it is computed once per path and repeated.
 *
 * Every GEMM is batched over paths (weights at stride D); multipliers come from `eta`
 * (P·r rows per hidden layer, filled by the caller; 1 where a block is unmasked).
 * Requires shared masks (one mask row per block for all samples) and at least one hidden layer.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';

export interface PassBuffers {
  paths: number;
  blocks: number;
  /** Per path: layer 0's pre-activation (n × h0), its σ, and the block-summed δ of layer 0. */
  pre0: Tensor;
  act0: Tensor;
  sum0: Tensor;
  /** Per hidden layer l: outputs (P·r·n × h_l), later overwritten by ∂/∂(outputs) and δ_l. */
  hid: Tensor[];
  /** Per layer l ≥ 1 (index l; [0] unused): pre-activations (P·r·n × out_l). */
  pre: Tensor[];
  /** ∂loss/∂output (P·r·n × c), and cross-entropy's row losses and repeated targets. */
  dOut: Tensor;
  rowLoss: Tensor | null;
  targets: Tensor | null;
  /** Per hidden layer: multipliers (P·r × h_l), 1 until a caller writes masks. */
  eta: Tensor[];
  /** Per (path, block) weights of the δ's (P·r). */
  weights: Tensor;
  /** The penalty's column terms q, s (P × h0), the output weights per path (P × c·h0), scratch. */
  q: Tensor;
  s: Tensor;
  wOut: Tensor;
  wSq: Tensor;
  zs: Tensor;
  /** A ones vector shared by the caller (not owned), at least passOnes() long. */
  one: Tensor;
  all: Tensor[];
}

/** Floats of one path's buffers for r blocks (for choosing how many paths fit a budget). */
export function passFloats(model: Mlp, n: number, r: number): number {
  const layers = model.layout.layers, c = layers[layers.length - 1]!.outDim, h0 = layers[0]!.outDim;
  let f = 4 * n * h0 + 2 * c * h0 + 3 * h0 + r + r * n * c * (model.options.loss === 'xent' ? 2 : 1) + r * n;
  for (let l = 0; l < layers.length; l++) {
    if (l < layers.length - 1) f += r * n * layers[l]!.outDim + r * layers[l]!.outDim;
    if (l > 0) f += r * n * layers[l]!.outDim;
  }
  return f;
}

/** Length of the ones vector a pass of r blocks needs. */
export function passOnes(model: Mlp, n: number, r: number): number {
  const c = model.layout.layers[model.layout.layers.length - 1]!.outDim;
  return Math.max(model.size, r * n * c, n, r, ...model.layout.sizes);
}

export function allocatePass(k: Backend, model: Mlp, data: DeviceDataset, P: number, r: number, one: Tensor): PassBuffers {
  const all: Tensor[] = [];
  const make = (size: number) => {
    const t = k.create(Math.max(1, size));
    all.push(t);
    return t;
  };
  const layers = model.layout.layers, n = data.n, last = layers.length - 1;
  const c = layers[last]!.outDim, h0 = layers[0]!.outDim, R = r * n;
  const xent = model.options.loss === 'xent';
  const b: PassBuffers = {
    paths: P, blocks: r,
    pre0: make(P * n * h0), act0: make(P * n * h0), sum0: make(P * n * h0),
    hid: layers.slice(0, -1).map((L) => make(P * R * L.outDim)),
    pre: layers.map((L, l) => make(l === 0 ? 1 : P * R * L.outDim)),
    dOut: make(P * R * c),
    rowLoss: xent ? make(P * R) : null,
    targets: xent ? make(P * R * c) : null,
    eta: layers.slice(0, -1).map((L) => make(P * r * L.outDim)),
    weights: make(P * r),
    q: make(P * h0), s: make(P * h0), wOut: make(P * c * h0), wSq: make(P * c * h0), zs: make(P * n * h0),
    one, all,
  };
  for (const e of b.eta) k.fill(e, 1);
  if (b.targets) repeatRows(k, one, data.y, b.targets, n * c, P * r);
  return b;
}

/** dst[b] = src (len elements) for b < times, in one GEMM (1 · src, exact). */
export function repeatRows(k: Backend, one: Tensor, src: Tensor, dst: Tensor, len: number, times: number): void {
  k.gemm(one, src, dst, { m: 1, n: len, k: 1, batch: times, strideA: 0, strideB: 0, strideC: len });
}

/**
 * dst[b·dstStride + dstOffset …] = alpha·src[b·srcStride + srcOffset …] (+ beta·dst) for b < batch:
 * a strided copy or add in one GEMM with a one-element ones vector (exact when alpha = 1, beta = 0).
 */
export function strided(
  k: Backend, one: Tensor, src: Tensor, dst: Tensor, len: number, batch: number,
  s: { srcOffset?: number; srcStride: number; dstOffset?: number; dstStride: number; alpha?: number; beta?: number },
): void {
  k.gemm(one, src, dst, {
    m: 1, n: len, k: 1, batch, strideA: 0, strideB: s.srcStride, offsetB: s.srcOffset ?? 0,
    strideC: s.dstStride, offsetC: s.dstOffset ?? 0, alpha: s.alpha ?? 1, beta: s.beta ?? 0,
  });
}

/**
 * Forward pass of P paths with r blocks; `masked` multiplies hidden outputs by eta. With
 * `layer0Ready`, b.pre0 and b.act0 already hold layer 0 at theta (copied from another pass at the
 * same Θ by shareLayer0), so its GEMM is not run again.
 */
export function passForward(k: Backend, model: Mlp, data: DeviceDataset, b: PassBuffers, theta: Tensor, masked: boolean, layer0Ready = false): void {
  const one = b.one;
  const net = model.net, layers = model.layout.layers, n = data.n, D = model.size, P = b.paths, r = b.blocks, R = r * n;
  const last = layers.length - 1, L0 = layers[0]!, h0 = L0.outDim;
  if (!layer0Ready) {
    k.gemm(data.x, theta, b.pre0, { m: n, n: h0, k: L0.inDim, batch: P, transB: true, strideA: 0, strideB: D, strideC: n * h0, offsetB: L0.wOffset });
    if (L0.bOffset >= 0) k.broadcast(b.pre0, theta, b.pre0, { rows: n, cols: h0, op: 'add', batch: P, vStride: D, vOffset: L0.bOffset });
    k.activation(b.pre0, b.act0, net.activation);
  }
  if (r === 1) k.copy(b.act0, b.hid[0]!);
  else k.gemm(one, b.act0, b.hid[0]!, { m: r, n: n * h0, k: 1, batch: P, strideA: 0, strideB: n * h0, strideC: R * h0 });
  for (let l = 0; l < last; l++) {
    const L = layers[l]!;
    if (l > 0) k.activation(b.pre[l]!, b.hid[l]!, net.activation);
    if (masked) k.broadcast(b.hid[l]!, b.eta[l]!, b.hid[l]!, { rows: n, cols: L.outDim, op: 'mul', batch: P * r, vStride: L.outDim });
    const N = layers[l + 1]!;
    k.gemm(b.hid[l]!, theta, b.pre[l + 1]!, {
      m: R, n: N.outDim, k: N.inDim, batch: P, transB: true,
      strideA: R * N.inDim, strideB: D, strideC: R * N.outDim, offsetB: N.wOffset,
    });
    if (N.bOffset >= 0) k.broadcast(b.pre[l + 1]!, theta, b.pre[l + 1]!, { rows: R, cols: N.outDim, op: 'add', batch: P, vStride: D, vOffset: N.bOffset });
  }
}

/**
 * Layer 0's pre-activation and output of `from` (after its passForward, before its passBackward,
 * which overwrites pre0 with σ′) into `to`, a pass (or the HVP's pre[0], hid[0]) of the same P paths
 * at the same Θ: the order-2 step's drift, HVP and noise pass share one layer-0 GEMM.
 */
export function shareLayer0(k: Backend, from: PassBuffers, to: { pre: Tensor; act: Tensor }): void {
  k.copy(from.pre0, to.pre);
  k.copy(from.act0, to.act);
}

/**
 * After passForward: ∂loss/∂output into b.dOut (divided by n, not yet weighted) and, when `sums` is
 * given, every path's row-loss sum (over its r·n rows) into sums[offset + p]. Returns the loss
 * divisor (2n for MSE, n for cross-entropy).
 */
export function passLossHead(k: Backend, model: Mlp, data: DeviceDataset, b: PassBuffers, sums: Tensor | null, offset = 0): number {
  const one = b.one;
  const layers = model.layout.layers, n = data.n, c = layers[layers.length - 1]!.outDim, P = b.paths, R = b.blocks * n;
  const out = b.pre[layers.length - 1]!;
  if (model.options.loss === 'mse') {
    k.copy(out, b.dOut);
    // dOut −= y for every (path, block): alpha −1 on 1·y, added to dOut.
    k.gemm(one, data.y, b.dOut, { m: 1, n: n * c, k: 1, batch: P * b.blocks, strideA: 0, strideB: 0, strideC: n * c, alpha: -1, beta: 1 });
    if (sums) {
      k.mul(b.dOut, b.dOut, b.pre[layers.length - 1]!);
      k.gemm(out, one, sums, { m: P, n: 1, k: R * c, offsetC: offset });
    }
    k.scale(1 / n, b.dOut);
    return 2 * n;
  }
  k.softmaxXent(out, b.targets!, b.dOut, b.rowLoss!, { rows: P * R, cols: c });
  if (sums) k.gemm(b.rowLoss!, one, sums, { m: P, n: 1, k: R, offsetC: offset });
  k.scale(1 / n, b.dOut);
  return n;
}

export interface BackwardSpec {
  /** One weight for every block (a number), or the per-(path, block) weights in b.weights. */
  weight: number | 'per-block';
  masked: boolean;
  /**
   * Coefficient of the closed-form L_S penalty's gradient (docs/math.md §2, one hidden layer, MSE) added
   * to block 0 (unmasked): block 0's weight · λ/n; 0 for none.
   */
  penalty: number;
}

/** Backward pass after passForward and passLossHead: out[p] (P × D) as described at the top. */
export function passBackward(k: Backend, model: Mlp, data: DeviceDataset, b: PassBuffers, theta: Tensor, out: Tensor, spec: BackwardSpec): void {
  const one = b.one;
  const net = model.net, layers = model.layout.layers, n = data.n, D = model.size, P = b.paths, r = b.blocks, R = r * n;
  const last = layers.length - 1, c = layers[last]!.outDim, h0 = layers[0]!.outDim;
  if (spec.weight === 'per-block') {
    k.broadcast(b.dOut, b.weights, b.dOut, { rows: n * c, cols: 1, op: 'mul', batch: P * r, vStride: 1 });
  } else if (spec.weight !== 1) {
    k.scale(spec.weight, b.dOut);
  }
  const penalty = spec.penalty !== 0;
  if (penalty) {
    // q = Σ_i z², s = Σ_c W_out² per path (z: the unmasked hidden output); W_out ⊙ q into out first.
    const W = layers[1]!, size = c * h0;
    k.mul(b.act0, b.act0, b.zs);
    k.gemm(one, b.zs, b.q, { m: 1, n: h0, k: n, batch: P, strideA: 0, strideB: n * h0, strideC: h0 });
    strided(k, one, theta, b.wOut, size, P, { srcOffset: W.wOffset, srcStride: D, dstStride: size });
    k.mul(b.wOut, b.wOut, b.wSq);
    k.gemm(one, b.wSq, b.s, { m: 1, n: h0, k: c, batch: P, strideA: 0, strideB: size, strideC: h0 });
    k.broadcast(b.wOut, b.q, b.wOut, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
    strided(k, one, b.wOut, out, size, P, { srcStride: size, dstOffset: W.wOffset, dstStride: D, alpha: spec.penalty });
  }
  for (let l = last; l >= 1; l--) {
    const L = layers[l]!, d = l === last ? b.dOut : b.hid[l]!, a = b.hid[l - 1]!;
    k.gemm(d, a, out, {
      m: L.outDim, n: L.inDim, k: R, batch: P, transA: true,
      strideA: R * L.outDim, strideB: R * L.inDim, strideC: D, offsetC: L.wOffset, beta: penalty && l === last ? 1 : 0,
    });
    if (L.bOffset >= 0) k.gemm(one, d, out, { m: 1, n: L.outDim, k: R, batch: P, strideA: 0, strideB: R * L.outDim, strideC: D, offsetC: L.bOffset });
    // ∂/∂(hidden l−1) = δ_l W_l, into the hidden buffer (its values were last needed just above).
    k.gemm(d, theta, a, { m: R, n: L.inDim, k: L.outDim, batch: P, strideA: R * L.outDim, strideB: D, offsetB: L.wOffset, strideC: R * L.inDim });
    if (penalty && l === 1) {
      // Block 0's ∂/∂z gains (λ/n)·z ⊙ s, scaled like block 0.
      k.broadcast(b.act0, b.s, b.zs, { rows: n, cols: h0, op: 'mul', batch: P, vStride: h0 });
      strided(k, one, b.zs, a, n * h0, P, { srcStride: n * h0, dstStride: R * h0, alpha: spec.penalty, beta: 1 });
    }
    const H = layers[l - 1]!;
    if (spec.masked) k.broadcast(a, b.eta[l - 1]!, a, { rows: n, cols: H.outDim, op: 'mul', batch: P * r, vStride: H.outDim });
    if (l - 1 > 0) {
      k.activation(b.pre[l - 1]!, b.pre[l - 1]!, net.activation, 1);
      k.mul(a, b.pre[l - 1]!, a);
    }
  }
  // Layer 0: δ's summed over blocks, then σ'(pre0) (mask-independent), then one GEMM with x.
  const L0 = layers[0]!;
  let d0 = b.hid[0]!;
  if (r > 1) {
    k.gemm(one, b.hid[0]!, b.sum0, { m: 1, n: n * h0, k: r, batch: P, strideA: 0, strideB: R * h0, strideC: n * h0 });
    d0 = b.sum0;
  }
  k.activation(b.pre0, b.pre0, net.activation, 1);
  k.mul(d0, b.pre0, d0);
  k.gemm(d0, data.x, out, { m: h0, n: L0.inDim, k: n, batch: P, transA: true, strideA: n * h0, strideB: 0, strideC: D, offsetC: L0.wOffset });
  if (L0.bOffset >= 0) k.gemm(one, d0, out, { m: 1, n: h0, k: n, batch: P, strideA: 0, strideB: n * h0, strideC: D, offsetC: L0.bOffset });
}
