/**
 * One network on one batch: the shape (pass-shape.ts) of a workspace, and the forward, loss-head
 * and backward passes of layer-pass.ts with masks drawn from the counter generator.
 * Shapes: x is rows × in (row-major); one parameter vector; one block of `rows` rows.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import type { MlpLayout } from './layout.js';
import { backwardLayers, forwardLayers, lossHeadLayers, type LossKind } from './layer-pass.js';
import type { PassShape } from './pass-shape.js';
import type { Workspace } from './workspace.js';

export type { LossKind } from './layer-pass.js';

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

/** The pass shape of a workspace: one parameter set, one block of ws.rows rows. */
export function networkShape(net: NetworkSpec, ws: Workspace): PassShape {
  return {
    layers: net.layout.layers, activation: net.activation, n: ws.rows, sets: 1, stride: net.layout.size,
    entries: 1, rows: ws.rows, perSampleMasks: net.masksPerSample, one: ws.ones,
  };
}

export function forward(k: Backend, net: NetworkSpec, params: Tensor, x: Tensor, ws: Workspace, draw: MaskDraw, pre0Ready = false): void {
  forwardLayers(k, networkShape(net, ws), ws, params, x, {
    masked: draw !== null, pre0Ready,
    draw: draw ? (l, eta) => k.mask(eta, {
      seed: draw.seed, step: draw.step, layer: l, units: net.layout.layers[l]!.outDim, keep: net.keep,
      samples: net.masksPerSample ? ws.rows : 1, sampleOffset: net.masksPerSample ? (draw.sampleOffset ?? 0) : 0,
    }) : undefined,
  });
}

/**
 * Loss of the last forward pass against targets y (rows × out): writes the *sum* over rows of the
 * per-row loss into out[slot] (the caller divides by rows — 2·rows for MSE) and ∂loss/∂output,
 * already divided by rows, into ws.dPre[last]. Returns the divisor.
 */
export function lossHead(k: Backend, net: NetworkSpec, y: Tensor, ws: Workspace, out: Tensor, slot: number): number {
  return lossHeadLayers(k, networkShape(net, ws), net.loss, ws, y, y, { total: out, slot });
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
  backwardLayers(k, networkShape(net, ws), ws, params, x, ws.grad, { masked, hook, accumulateLast });
}
