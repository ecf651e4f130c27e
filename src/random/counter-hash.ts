/**
 * The counter-based generator shared by every backend: a hash of (seed, step, layer, unit, sample)
 * built from u32 add/xor/shift/multiply only, so WGSL (shaders/mask.wgsl), AssemblyScript
 * (assembly/mask.ts) and this reference give bit-identical words. The finaliser is MurmurHash3's
 * fmix32, a bijection with full avalanche; each coordinate is folded in through one fmix32 round.
 */

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Fold one coordinate into the state: fmix32(h ^ (x · golden + 0x7f4a7c15)). */
export function fold(h: number, x: number): number {
  return fmix32((h ^ ((Math.imul(x, 0x9e3779b1) + 0x7f4a7c15) >>> 0)) >>> 0);
}

/**
 * The counter-based generator's 32-bit word for (seed, step, layer, unit, sample), each an
 * unsigned 32-bit integer; the same word on every backend and runtime (docs/math.md §1.5).
 * Dropout keeps unit k of hidden layer l in row s of draw (seed, step) iff
 * `maskValue(counterHash(seed, step, l, k, s), ⌊keep·2³¹⌋, 1/keep) !== 0`.
 */
export function counterHash(seed: number, step: number, layer: number, unit: number, sample: number): number {
  let h = fmix32((seed + 0x6a09e667) >>> 0);
  h = fold(h, step);
  h = fold(h, layer);
  h = fold(h, unit);
  h = fold(h, sample);
  return h;
}

/**
 * counterHash in two parts, for draws that vary only (unit, sample) under a fixed (seed, step,
 * layer): counterTail(counterHead(seed, step, layer), unit, sample) = counterHash(seed, step, layer,
 * unit, sample), the same folds with the first three done once.
 */
export function counterHead(seed: number, step: number, layer: number): number {
  return fold(fold(fmix32((seed + 0x6a09e667) >>> 0), step), layer);
}

export function counterTail(head: number, unit: number, sample: number): number {
  return fold(fold(head, unit), sample);
}

/** The mask value of a hash word: 1/keep (as f32) if kept, else 0; `threshold` = floor(keep · 2^31). */
export function maskValue(hash: number, threshold: number, invKeep: number): number {
  return hash >>> 1 < threshold ? invKeep : 0;
}

/** floor(keep · 2^31), the `threshold` of {@link maskValue}: keep = 1 keeps every unit. */
export function keepThreshold(keep: number): number {
  return Math.floor(keep * 2147483648);
}
