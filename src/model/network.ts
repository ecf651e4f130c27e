/**
 * Forward and backward passes of a dropout MLP, written once against the Backend primitives.
 * Shapes: x is rows × in (row-major); layer l computes pre_l = input·W_lᵀ + b_l; hidden layers
 * apply σ and then the dropout multipliers η (B/p); the last layer is linear.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';
import type { Workspace } from './workspace.js';

/** The loss: 'mse' (squared error, R_S = 1/(2n) Σ‖f − y‖²) or 'xent' (softmax cross-entropy). */
export type LossKind = 'mse' | 'xent';

export interface NetworkSpec {
  layout: MlpLayout;
  activation: Activation;
  keep: number;
  loss: LossKind;
  /** One mask row per sample (true) or one per step shared by the batch (false, docs/math.md §1). */
  masksPerSample: boolean;
}

/** Which dropout multipliers a pass uses: none (η = 1), or drawn from the counter generator. */
export type MaskDraw = null | { seed: number; step: number; sampleOffset?: number };

/** Row-wise η application: per-sample masks multiply elementwise, shared ones broadcast. */
export function applyMask(k: Backend, net: NetworkSpec, ws: Workspace, l: number, t: Tensor): void {
  const cols = net.layout.layers[l]!.outDim;
  if (net.masksPerSample) k.mul(t, ws.masks[l]!, t);
  else k.broadcast(t, ws.masks[l]!, t, { rows: ws.rows, cols, op: 'mul' });
}

export function forward(k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, ws: Workspace, draw: MaskDraw): void {
  const { layers } = net.layout;
  let input = x;
  for (let l = 0; l < layers.length; l++) {
    const L = layers[l]!;
    const pre = ws.pre[l]!;
    k.gemm(input, params, pre, { m: ws.rows, n: L.outDim, k: L.inDim, transB: true, offsetB: L.wOffset });
    if (L.bOffset >= 0) k.broadcast(pre, params, pre, { rows: ws.rows, cols: L.outDim, op: 'add', vOffset: L.bOffset });
    if (l === layers.length - 1) break;
    const h = ws.hidden[l]!;
    k.activation(pre, h, net.activation);
    if (draw) {
      k.mask(ws.masks[l]!, {
        seed: draw.seed, step: draw.step, layer: l, units: L.outDim, keep: net.keep,
        samples: net.masksPerSample ? ws.rows : 1, sampleOffset: net.masksPerSample ? (draw.sampleOffset ?? 0) : 0,
      });
      applyMask(k, net, ws, l, h);
    }
    input = h;
  }
}

/**
 * Loss of the last forward pass against targets y (rows × out): writes the *sum* over rows of the
 * per-row loss into out[slot] (the caller divides by rows — 2·rows for MSE) and ∂loss/∂output,
 * already divided by rows, into ws.dPre[last]. Returns the divisor.
 */
export function lossHead(k: Backend, net: NetworkSpec, y: Tensor, ws: Workspace, out: Tensor, slot: number): number {
  const last = net.layout.layers.length - 1;
  const output = ws.pre[last]!, d = ws.dPre[last]!;
  if (net.loss === 'mse') {
    k.copy(output, d);
    k.axpy(-1, y, d);
    k.reduce('sumsq', d, null, out, slot);
    k.scale(1 / ws.rows, d);
    return 2 * ws.rows;
  }
  k.softmaxXent(output, y, d, ws.rowLoss, { rows: ws.rows, cols: net.layout.layers[last]!.outDim });
  k.reduce('sum', ws.rowLoss, null, out, slot);
  k.scale(1 / ws.rows, d);
  return ws.rows;
}

/** Adds extra terms to ∂/∂hidden of layer l (before mask and σ'), e.g. the modified-loss penalty. */
export type HiddenGradHook = (l: number, dHidden: Tensor) => void;

/**
 * Back-propagates ws.dPre[last] into ws.grad, using the masks of the forward pass. The gradient is
 * overwritten, except the last layer's weights when `accumulateLast` (a term already written there).
 */
export function backward(
  k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, ws: Workspace, masked: boolean,
  hook?: HiddenGradHook, accumulateLast = false,
): void {
  const { layers } = net.layout;
  for (let l = layers.length - 1; l >= 0; l--) {
    const L = layers[l]!;
    const d = ws.dPre[l]!;
    const input = l === 0 ? x : ws.hidden[l - 1]!;
    const beta = accumulateLast && l === layers.length - 1 ? 1 : 0;
    k.gemm(d, input, ws.grad, { m: L.outDim, n: L.inDim, k: ws.rows, transA: true, offsetC: L.wOffset, beta });
    if (L.bOffset >= 0) k.gemm(ws.ones, d, ws.grad, { m: 1, n: L.outDim, k: ws.rows, offsetC: L.bOffset });
    if (l === 0) break;
    const g = ws.dPre[l - 1]!;
    k.gemm(d, params, g, { m: ws.rows, n: L.inDim, k: L.outDim, offsetB: L.wOffset });
    hook?.(l - 1, g);
    if (masked) applyMask(k, net, ws, l - 1, g);
    k.activation(ws.pre[l - 1]!, ws.deriv[l - 1]!, net.activation, true);
    k.mul(g, ws.deriv[l - 1]!, g);
  }
}
