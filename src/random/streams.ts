/**
 * The counter generator's streams, in one registry (docs/math.md §1.5).
 *
 * Dropout masks own the words counterHash(seed, step, l, unit, sample) with l a hidden-layer
 * index, l < MASK_LAYERS = 2³¹ (the device mask kernels' layout, unchanged). Every other use draws
 * `streamWord(seed, tag, a, b, c)` = counterHash(seed, a, tag, b, c): its tag sits in the layer
 * slot, tag = 2³¹ + id·2²⁴ + sub with id < 2⁷ its registry id and sub < 2²⁴ a sub-stream index,
 * and its three coordinates a, b, c (each any u32) are its own. So:
 * - no two streams share a counter: a mask's layer is below 2³¹, every tag at or above it, and
 *   (id, sub) ↦ tag is one-to-one, so distinct (stream, sub, a, b, c) are distinct inputs;
 * - at equal seed and coordinates, no two streams (nor a stream and a mask) give the same word:
 *   fold(h, x) = fmix32(h ⊕ (x·φ + c)) is a bijection of x for fixed h (φ odd, fmix32
 *   bijective) and of h for fixed x, so the state after the layer slot differs and stays
 *   different through the later folds.
 * Words at different coordinates are independent draws, equal with chance 2⁻³² like any two.
 * A tag is also a valid `layer` of the backends' mask kernel, which draws (seed, a=step, tag,
 * b=unit, c=sample) on the device (the Hutchinson probes do).
 */
import { counterHash, counterHead, counterTail } from './counter-hash.js';
// errors.js, not backend/validate.js: random/ sits below the backends and must not import them.
import { ArgumentError } from '../errors.js';

/** Mask draws use layer indices below this; stream tags start at it. */
export const MASK_LAYERS = 0x80000000;
/** Sub-streams per stream (the low 24 bits of a tag). */
export const SUBSTREAMS = 1 << 24;

/**
 * Every stream other than the masks, with its registry id (< 2⁷) and the meaning of (sub; a, b, c).
 * Add a stream here, never as a constant beside its use.
 */
export const STREAMS = {
  /** Weight initialisation (model/mlp.ts): (0; weight layer l, index within the layer, 0). */
  init: 0,
  /** SGD batch order (train/batch-sampler.ts): (0; epoch, position i of the shuffle, 0). */
  batchOrder: 1,
  /** Isotropic comparison noise (train/train.ts): Gaussians (0; step, i, 1 | 2). */
  isotropic: 2,
  /** Path seeds of the SME (sme/path-options.ts): (0; path p, 0, 0). */
  pathSeed: 3,
  /** Mask-pair weights of the SME (sme/samplers.ts): Gaussians (0; fine sub-step t·r + q, j, 1 | 2). */
  pairGaussians: 4,
  /** Frozen-factor Gaussians of the SME (sme/samplers.ts): (0; fine sub-step t·r + q, i, 1 | 2). */
  frozenGaussians: 5,
  /** Lanczos start and restart vectors (curvature/lanczos.ts): (0; restart index, i, 0). */
  lanczos: 6,
  /** Stochastic Lanczos quadrature (curvature/density.ts): (probe p; restart index, i, 0). */
  slqProbe: 7,
  /** Null-model directions of the alignment (structure/alignment.ts): Gaussians (sample q; row j, i, 1 | 2). */
  nullDirections: 8,
  /** Hutchinson's Rademacher probes, drawn by the mask kernel (curvature/trace.ts): (0; probe, i, 0). */
  hutchinsonProbe: 9,
} as const;

export type StreamName = keyof typeof STREAMS;

/** The layer-slot tag of sub-stream `sub` (an integer in [0, 2²⁴)) of stream `name`. */
export function streamTag(name: StreamName, sub = 0): number {
  if (!Number.isInteger(sub) || sub < 0 || sub >= SUBSTREAMS) throw new ArgumentError('sub', `an integer in [0, ${SUBSTREAMS - 1}]`, sub);
  return MASK_LAYERS + STREAMS[name] * SUBSTREAMS + sub;
}

/** Word (a, b, c) of the stream with tag `tag`: counterHash(seed, a, tag, b, c). */
export function streamWord(seed: number, tag: number, a: number, b: number, c: number): number {
  return counterHash(seed, a, tag, b, c);
}

/** The stream's state after (seed, tag, a), for many words at one a: streamTail(head, b, c) = streamWord(seed, tag, a, b, c). */
export function streamHead(seed: number, tag: number, a: number): number {
  return counterHead(seed, a, tag);
}

/** Word (a, b, c) from the state `head` = streamHead(seed, tag, a). */
export const streamTail: (head: number, b: number, c: number) => number = counterTail;
