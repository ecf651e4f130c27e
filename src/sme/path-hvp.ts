/**
 * Hessian-vector products H_{L_S}(Θ_p)·V_p for P paths at once (row p of the P × D tensors Θ and
 * V): the R-operator of src/model/r-pass.ts (unmasked, MSE), every GEMM batched over paths with the
 * weights and directions at stride D, plus the closed-form penalty's R-terms of docs/math.md §2 (one
 * hidden layer) when `penalty` is set. The order-2 SME drift needs H_{L_S}∇L_S once a step.
 * `penalty` requires exactly one hidden layer (the closed form's setting).
 */
import type { Backend, Tensor } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import { forwardLayers, lossHeadLayers } from '../model/layer-pass.js';
import type { Mlp } from '../model/mlp.js';
import { dropoutVariance } from '../model/modified-loss.js';
import { ownedTensors } from '../model/owned-tensors.js';
import type { LayerBuffers, PassShape } from '../model/pass-shape.js';
import {
  penaltyColumns, penaltyColumnsR, penaltyHiddenGradR, penaltyWeightGradR, type PenaltyBuffers, type PenaltyRBuffers,
} from '../model/penalty.js';
import { rBackward, rForward, rLossHead, type RBuffers } from '../model/r-pass.js';

/*
 * From LayerBuffers and RBuffers, per layer (P·n × out_l): pre-activations, δ's, and their R; per
 * hidden layer: outputs, σ′, R(outputs), σ″ scratch. act0 is hid[0] (one block: nothing repeats).
 */
export interface HvpBuffers extends LayerBuffers, RBuffers {
  paths: number;
  shape: PassShape;
  /** Penalty terms per path: q, s, R(q), R(s) (h0), W_out and V_out (c·h0), scratch (n·h0). */
  penalty: PenaltyBuffers;
  penaltyR: PenaltyRBuffers;
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
  const { make, all } = ownedTensors(k);
  const layers = model.layout.layers, hidden = layers.slice(0, -1);
  const c = layers[layers.length - 1]!.outDim, h0 = layers[0]!.outDim;
  const per = (ls: typeof layers) => ls.map((L) => make(P * n * L.outDim));
  const hid = per(hidden), deriv = per(hidden), tmp = make(P * n * h0);
  return {
    paths: P,
    shape: {
      layers, activation: model.net.activation, n, sets: P, stride: model.size,
      entries: P, rows: n, perSampleMasks: false, one,
    },
    pre: per(layers), dPre: per(layers), rPre: per(layers), rDPre: per(layers),
    hid, deriv, rHid: per(hidden), second: per(hidden),
    act0: hid[0]!, deriv0: deriv[0]!, eta: [], sum0: null,
    prob: null, rProb: null, rowSum: null,
    penalty: { q: make(P * h0), s: make(P * h0), wOut: make(P * c * h0), wSq: make(P * c * h0), tmp },
    penaltyR: { rq: make(P * h0), rs: make(P * h0), vOut: make(P * c * h0), tmp },
    one, all,
  };
}

/**
 * hv[p] = H(Θ_p)·v[p] for the Hessian of R_S, or of L_S with `penalty` (one hidden layer, MSE).
 * With `layer0Ready`, b.pre[0] and b.hid[0] already hold layer 0 at theta (see shareLayer0).
 */
export function batchedHvp(k: Backend, model: Mlp, data: DeviceDataset, b: HvpBuffers, theta: Tensor, v: Tensor, hv: Tensor, penalty: boolean, layer0Ready = false): void {
  const s = b.shape;
  forwardLayers(k, s, b, theta, data.x, { masked: false, layer0Ready });
  lossHeadLayers(k, s, 'mse', { pre: b.pre, dPre: b.dPre, rowLoss: null }, data.y, null, null);
  rForward(k, s, b, b, theta, v, data.x, false);
  rLossHead(k, s, 'mse', b, b, data.y);
  let hook = null;
  if (penalty) {
    const coef = dropoutVariance(model.keep) / data.n, z = b.hid[0]!, rz = b.rHid[0]!;
    penaltyColumns(k, s, b.penalty, z, theta);
    penaltyColumnsR(k, s, b.penalty, b.penaltyR, z, rz, v);
    penaltyWeightGradR(k, s, b.penalty, b.penaltyR, hv, coef);
    hook = (g: Tensor | null, rg: Tensor) => penaltyHiddenGradR(k, s, b.penalty, b.penaltyR, z, rz, g, rg, coef);
  }
  rBackward(k, s, b, b, theta, v, data.x, hv, { masked: false, hook });
}
