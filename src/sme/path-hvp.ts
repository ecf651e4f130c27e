/**
 * Hessian-vector products H_{L_S}(Θ_p)·V_p for P paths at once (row p of the P × D tensors Θ and
 * V): the R-operator of src/model/hvp.ts (unmasked, MSE), every GEMM batched over paths with the
 * weights and directions at stride D, plus the closed-form penalty's R-terms of docs/math.md §2 (one
 * hidden layer) when `penalty` is set. The order-2 SME drift needs H_{L_S}∇L_S once a step.
 * `penalty` requires exactly one hidden layer (the closed form's setting).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Mlp } from '../model/mlp.js';
import { dropoutVariance } from '../model/modified-loss.js';
import { activationBackwardR } from '../model/hvp.js';
import { strided } from './path-pass.js';

export interface HvpBuffers {
  paths: number;
  /** Per layer (P·n × out_l): pre-activations, δ's, and their R; per hidden layer: outputs, σ', R(outputs), σ'' scratch. */
  pre: Tensor[];
  dPre: Tensor[];
  rPre: Tensor[];
  rDPre: Tensor[];
  hid: Tensor[];
  deriv: Tensor[];
  rHid: Tensor[];
  second: Tensor[];
  /** Penalty terms per path: q, s, R(q), R(s) (h0), W_out and V_out (c·h0), scratch (n·h0). */
  q: Tensor;
  s: Tensor;
  rq: Tensor;
  rs: Tensor;
  wOut: Tensor;
  vOut: Tensor;
  wSq: Tensor;
  tmp: Tensor;
  one: Tensor;
  all: Tensor[];
}

/** Floats of one path's HVP buffers. */
export function hvpFloats(model: Mlp, n: number): number {
  const layers = model.layout.layers, c = layers[layers.length - 1]!.outDim, h0 = layers[0]!.outDim;
  let f = 4 * h0 + 3 * c * h0 + n * h0;
  for (let l = 0; l < layers.length; l++) f += n * layers[l]!.outDim * (l < layers.length - 1 ? 8 : 4);
  return f;
}

export function allocateHvp(k: Backend, model: Mlp, n: number, P: number, one: Tensor): HvpBuffers {
  const all: Tensor[] = [];
  const make = (size: number) => {
    const t = k.create(Math.max(1, size));
    all.push(t);
    return t;
  };
  const layers = model.layout.layers, hidden = layers.slice(0, -1);
  const c = layers[layers.length - 1]!.outDim, h0 = layers[0]!.outDim;
  const per = (ls: typeof layers) => ls.map((L) => make(P * n * L.outDim));
  return {
    paths: P,
    pre: per(layers), dPre: per(layers), rPre: per(layers), rDPre: per(layers),
    hid: per(hidden), deriv: per(hidden), rHid: per(hidden), second: per(hidden),
    q: make(P * h0), s: make(P * h0), rq: make(P * h0), rs: make(P * h0),
    wOut: make(P * c * h0), vOut: make(P * c * h0), wSq: make(P * c * h0), tmp: make(P * n * h0),
    one, all,
  };
}

/**
 * hv[p] = H(Θ_p)·v[p] for the Hessian of R_S, or of L_S with `penalty` (one hidden layer, MSE).
 * With `layer0Ready`, b.pre[0] and b.hid[0] already hold layer 0 at theta (see shareLayer0).
 */
export function batchedHvp(k: Backend, model: Mlp, data: DeviceDataset, b: HvpBuffers, theta: Tensor, v: Tensor, hv: Tensor, penalty: boolean, layer0Ready = false): void {
  const net = model.net, layers = model.layout.layers, n = data.n, D = model.size, P = b.paths, one = b.one;
  const last = layers.length - 1, c = layers[last]!.outDim, h0 = layers[0]!.outDim;
  // Per-path linear map z = a·Wᵀ (+ β z) with W at stride D inside `w`; a = x (shared) for layer 0.
  const linear = (a: Tensor, w: Tensor, z: Tensor, l: number, beta = 0) => {
    const L = layers[l]!;
    k.gemm(a, w, z, {
      m: n, n: L.outDim, k: L.inDim, batch: P, transB: true, beta,
      strideA: l === 0 ? 0 : n * L.inDim, strideB: D, strideC: n * L.outDim, offsetB: L.wOffset,
    });
  };
  const addBias = (z: Tensor, w: Tensor, l: number) => {
    const L = layers[l]!;
    if (L.bOffset >= 0) k.broadcast(z, w, z, { rows: n, cols: L.outDim, op: 'add', batch: P, vStride: D, vOffset: L.bOffset });
  };
  // Forward and loss head (MSE): δ_last = (f − y)/n.
  for (let l = layer0Ready ? 1 : 0; l <= last; l++) {
    linear(l === 0 ? data.x : b.hid[l - 1]!, theta, b.pre[l]!, l);
    addBias(b.pre[l]!, theta, l);
    if (l < last) k.activation(b.pre[l]!, b.hid[l]!, net.activation);
  }
  const dOut = b.dPre[last]!;
  k.copy(b.pre[last]!, dOut);
  k.gemm(one, data.y, dOut, { m: 1, n: n * c, k: 1, batch: P, strideA: 0, strideB: 0, strideC: n * c, alpha: -1, beta: 1 });
  k.scale(1 / n, dOut);
  // R-forward.
  for (let l = 0; l <= last; l++) {
    const rz = b.rPre[l]!;
    linear(l === 0 ? data.x : b.hid[l - 1]!, v, rz, l);
    if (l > 0) linear(b.rHid[l - 1]!, theta, rz, l, 1);
    addBias(rz, v, l);
    if (l === last) break;
    k.activation(b.pre[l]!, b.deriv[l]!, net.activation, 1);
    k.mul(b.deriv[l]!, rz, b.rHid[l]!);
  }
  k.copy(b.rPre[last]!, b.rDPre[last]!);
  k.scale(1 / n, b.rDPre[last]!);
  const coef = penalty ? dropoutVariance(model.keep) / n : 0;
  const W = layers[last]!, size = c * h0;
  if (penalty) {
    // q = Σ_i z², s = Σ_c W_out², R(q) = 2 Σ_i z ⊙ R(z), R(s) = 2 Σ_c W_out ⊙ V_out, per path.
    const colSum = (src: Tensor, dst: Tensor, rows: number, alpha: number) =>
      k.gemm(one, src, dst, { m: 1, n: h0, k: rows, batch: P, strideA: 0, strideB: rows * h0, strideC: h0, alpha });
    k.mul(b.hid[0]!, b.hid[0]!, b.tmp);
    colSum(b.tmp, b.q, n, 1);
    k.mul(b.hid[0]!, b.rHid[0]!, b.tmp);
    colSum(b.tmp, b.rq, n, 2);
    strided(k, one, theta, b.wOut, size, P, { srcOffset: W.wOffset, srcStride: D, dstStride: size });
    strided(k, one, v, b.vOut, size, P, { srcOffset: W.wOffset, srcStride: D, dstStride: size });
    k.mul(b.wOut, b.wOut, b.wSq);
    colSum(b.wSq, b.s, c, 1);
    k.mul(b.wOut, b.vOut, b.wSq);
    colSum(b.wSq, b.rs, c, 2);
    // R(∂P/∂W_out) = coef (V_out ⊙ q + W_out ⊙ R(q)) into hv's W_out block (the backward adds to it).
    k.broadcast(b.vOut, b.q, b.vOut, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
    k.broadcast(b.wOut, b.rq, b.wOut, { rows: c, cols: h0, op: 'mul', batch: P, vStride: h0 });
    k.axpy(1, b.wOut, b.vOut);
    strided(k, one, b.vOut, hv, size, P, { srcStride: size, dstOffset: W.wOffset, dstStride: D, alpha: coef });
  }
  // Backward over δ and R(δ).
  for (let l = last; l >= 0; l--) {
    const L = layers[l]!, d = b.dPre[l]!, rd = b.rDPre[l]!;
    const a = l === 0 ? data.x : b.hid[l - 1]!, aStride = l === 0 ? 0 : n * L.inDim;
    const weightGrad = (dd: Tensor, aa: Tensor, stride: number, beta: number) =>
      k.gemm(dd, aa, hv, { m: L.outDim, n: L.inDim, k: n, batch: P, transA: true, strideA: n * L.outDim, strideB: stride, strideC: D, offsetC: L.wOffset, beta });
    weightGrad(rd, a, aStride, penalty && l === last ? 1 : 0);
    if (l > 0) weightGrad(d, b.rHid[l - 1]!, n * L.inDim, 1);
    if (L.bOffset >= 0) k.gemm(one, rd, hv, { m: 1, n: L.outDim, k: n, batch: P, strideA: 0, strideB: n * L.outDim, strideC: D, offsetC: L.bOffset });
    if (l === 0) break;
    const h = l - 1, g = b.dPre[h]!, rg = b.rDPre[h]!;
    const back = (dd: Tensor, w: Tensor, out: Tensor, beta: number) =>
      k.gemm(dd, w, out, { m: n, n: L.inDim, k: L.outDim, batch: P, strideA: n * L.outDim, strideB: D, offsetB: L.wOffset, strideC: n * L.inDim, beta });
    back(d, theta, g, 0);
    back(rd, theta, rg, 0);
    back(d, v, rg, 1);
    if (penalty && h === 0) {
      // e = coef z ⊙ s into g;  R(e) = coef (R(z) ⊙ s + z ⊙ R(s)) into R(g).
      const scaleCols = (src: Tensor, col: Tensor) => k.broadcast(src, col, b.tmp, { rows: n, cols: h0, op: 'mul', batch: P, vStride: h0 });
      scaleCols(b.hid[0]!, b.s);
      k.axpy(coef, b.tmp, g);
      scaleCols(b.rHid[0]!, b.s);
      k.axpy(coef, b.tmp, rg);
      scaleCols(b.hid[0]!, b.rs);
      k.axpy(coef, b.tmp, rg);
    }
    activationBackwardR(k, net.activation, b.pre[h]!, b.rPre[h]!, b.deriv[h]!, b.second[h]!, g, rg);
  }
}
