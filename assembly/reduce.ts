/**
 * reduce: out = Σ x (op 0, sum), Σ x·y (op 1, dot) or Σ x² (op 2, sumsq) over n f32 values, in f32,
 * in a FIXED order, so a rerun reproduces the result bit for bit (and the scalar and SIMD builds
 * agree bit for bit too). Twin of shaders/reduce.wgsl.
 *
 * Order:
 *   1. The input is cut into blocks of BLOCK = 256 consecutive elements (the last may be shorter).
 *   2. Inside a block, 8 lanes: lane j (0..7) adds the terms of elements 8i + j for i = 0, 1, …
 *      in increasing i, starting from 0 (a missing tail element counts as 0). The term is x, x·y
 *      (rounded product) or x·x. The lanes are then combined as
 *      ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7)).
 *   3. Block sums are combined pairwise: S(lo, hi) = S(lo, mid) + S(mid, hi) with
 *      mid = lo + ceil((hi − lo) / 2), S(i, i+1) = block sum i.
 */

// @ts-ignore: decorator
@inline const BLOCK: i32 = 256;

export function reduce(op: i32, x: usize, y: usize, n: i32, out: usize): void {
  const blocks = (n + BLOCK - 1) / BLOCK;
  store<f32>(out, blocks == 0 ? <f32>0 : pairwise(op, x, y, n, 0, blocks));
}

function pairwise(op: i32, x: usize, y: usize, n: i32, lo: i32, hi: i32): f32 {
  if (hi - lo == 1) {
    const start = lo * BLOCK;
    const len = min(BLOCK, n - start);
    const off = <usize>start << 2;
    return blockSum(op, x + off, y + off, len);
  }
  const mid = lo + ((hi - lo + 1) >> 1);
  return pairwise(op, x, y, n, lo, mid) + pairwise(op, x, y, n, mid, hi);
}

// @ts-ignore: decorator
@inline function term(op: i32, x: usize, y: usize): f32 {
  const v = load<f32>(x);
  return op == 0 ? v : op == 1 ? v * load<f32>(y) : v * v;
}

function blockSum(op: i32, x: usize, y: usize, len: i32): f32 {
  const full = len & ~7;
  if (ASC_FEATURE_SIMD) {
    let a = f32x4.splat(0);
    let b = f32x4.splat(0);
    const end = x + (<usize>full << 2);
    if (op == 0) {
      for (; x < end; x += 32) {
        a = f32x4.add(a, v128.load(x));
        b = f32x4.add(b, v128.load(x, 16));
      }
    } else if (op == 1) {
      for (; x < end; x += 32, y += 32) {
        a = f32x4.add(a, f32x4.mul(v128.load(x), v128.load(y)));
        b = f32x4.add(b, f32x4.mul(v128.load(x, 16), v128.load(y, 16)));
      }
    } else {
      for (; x < end; x += 32) {
        const u = v128.load(x);
        const v = v128.load(x, 16);
        a = f32x4.add(a, f32x4.mul(u, u));
        b = f32x4.add(b, f32x4.mul(v, v));
      }
    }
    let l0 = f32x4.extract_lane(a, 0), l1 = f32x4.extract_lane(a, 1);
    let l2 = f32x4.extract_lane(a, 2), l3 = f32x4.extract_lane(a, 3);
    let l4 = f32x4.extract_lane(b, 0), l5 = f32x4.extract_lane(b, 1);
    let l6 = f32x4.extract_lane(b, 2), l7 = f32x4.extract_lane(b, 3);
    const rest = len - full;
    if (rest > 0) l0 += term(op, x, y);
    if (rest > 1) l1 += term(op, x + 4, y + 4);
    if (rest > 2) l2 += term(op, x + 8, y + 8);
    if (rest > 3) l3 += term(op, x + 12, y + 12);
    if (rest > 4) l4 += term(op, x + 16, y + 16);
    if (rest > 5) l5 += term(op, x + 20, y + 20);
    if (rest > 6) l6 += term(op, x + 24, y + 24);
    return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
  } else {
    let l0: f32 = 0, l1: f32 = 0, l2: f32 = 0, l3: f32 = 0, l4: f32 = 0, l5: f32 = 0, l6: f32 = 0, l7: f32 = 0;
    const end = x + (<usize>full << 2);
    for (; x < end; x += 32, y += 32) {
      l0 += term(op, x, y); l1 += term(op, x + 4, y + 4);
      l2 += term(op, x + 8, y + 8); l3 += term(op, x + 12, y + 12);
      l4 += term(op, x + 16, y + 16); l5 += term(op, x + 20, y + 20);
      l6 += term(op, x + 24, y + 24); l7 += term(op, x + 28, y + 28);
    }
    const rest = len - full;
    if (rest > 0) l0 += term(op, x, y);
    if (rest > 1) l1 += term(op, x + 4, y + 4);
    if (rest > 2) l2 += term(op, x + 8, y + 8);
    if (rest > 3) l3 += term(op, x + 12, y + 12);
    if (rest > 4) l4 += term(op, x + 16, y + 16);
    if (rest > 5) l5 += term(op, x + 20, y + 20);
    if (rest > 6) l6 += term(op, x + 24, y + 24);
    return ((l0 + l4) + (l2 + l6)) + ((l1 + l5) + (l3 + l7));
  }
}
