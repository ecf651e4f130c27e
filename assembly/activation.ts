/**
 * activation: y = σ(x) (derivative 0), σ'(x) (1) or σ''(x) (2, for Hessian-vector products)
 * elementwise over n f32 values; y may equal x. Derivatives are evaluated at the pre-activation x.
 * Twin of shaders/activation.wgsl.
 *
 * kind: 0 tanh, 1 relu, 2 sigmoid, 3 identity (the order of ACTIVATIONS in src/backend/backend.ts).
 * relu and identity are exact; relu'(0) = 0.
 *
 * tanh and sigmoid are computed in f64 and rounded once to f32, from E = exp(−2|x|) (tanh) or
 * E = exp(−|x|) (sigmoid), in forms without cancellation:
 *   tanh|x|  = (1 − E)/(1 + E)     (|x| ≥ 1/8; below, its odd Taylor polynomial to x⁹)
 *   tanh'    = 4E/(1 + E)²          tanh'' = −2·tanh·tanh'
 *   σ(x)     = 1/(1 + E) for x ≥ 0, E/(1 + E) for x < 0
 *   σ'       = E/(1 + E)²           σ''    = −σ'·tanh(x/2)
 * so even 1 − tanh² for large |x| keeps full relative accuracy. SIMD builds evaluate exp with a
 * vectorised f64 kernel (Cody–Waite reduction by ln 2, degree-11 Taylor polynomial on
 * |r| ≤ ln2/2: relative error < 1e-14), two lanes at a time; the f32 results are within ½ ulp of
 * rounding the exact value, plus ~1e-13 relative. The scalar build uses the same formulas with
 * Math.exp.
 */

// @ts-ignore: decorator
@inline const TANH: i32 = 0;
// @ts-ignore: decorator
@inline const RELU: i32 = 1;
// @ts-ignore: decorator
@inline const SIGMOID: i32 = 2;

export function activation(x: usize, y: usize, n: i32, kind: i32, derivative: i32): void {
  const end = x + (<usize>n << 2);
  if (kind == TANH || kind == SIGMOID) {
    smooth(x, y, n, kind, derivative);
  } else if (derivative == 2) {
    memory.fill(y, 0, end - x); // relu'' = identity'' = 0
  } else if (kind == RELU) {
    // relu(x) = x > 0 ? x : 0; relu'(x) = x > 0 ? 1 : 0.
    const d = derivative != 0;
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      const one = f32x4.splat(1);
      const end4 = x + (<usize>(n & ~3) << 2);
      for (; x < end4; x += 16, y += 16) {
        const v = v128.load(x);
        const gt = f32x4.gt(v, zero);
        v128.store(y, v128.and(gt, d ? one : v));
      }
    }
    for (; x < end; x += 4, y += 4) {
      const v = load<f32>(x);
      store<f32>(y, v > 0 ? (d ? <f32>1 : v) : <f32>0);
    }
  } else {
    // identity: y = x, y' = 1.
    if (derivative != 0) {
      for (; x < end; x += 4, y += 4) store<f32>(y, 1);
    } else if (x != y) {
      memory.copy(y, x, <usize>n << 2);
    }
  }
}

function smooth(x: usize, y: usize, n: i32, kind: i32, order: i32): void {
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    // One loop per (kind, order), so each is compiled without branches.
    if (kind == TANH) {
      if (order == 0) smoothLoop(x, y, n, TANH, 0);
      else if (order == 1) smoothLoop(x, y, n, TANH, 1);
      else smoothLoop(x, y, n, TANH, 2);
    } else {
      if (order == 0) smoothLoop(x, y, n, SIGMOID, 0);
      else if (order == 1) smoothLoop(x, y, n, SIGMOID, 1);
      else smoothLoop(x, y, n, SIGMOID, 2);
    }
  } else {
    for (; x < end; x += 4, y += 4) store<f32>(y, <f32>smooth1(<f64>load<f32>(x), kind, order));
  }
}

// @ts-ignore: decorator
@inline function smoothLoop(x: usize, y: usize, n: i32, kind: i32, order: i32): void {
  const end = x + (<usize>n << 2);
  const end4 = x + (<usize>(n & ~3) << 2);
  for (; x < end4; x += 16, y += 16) {
    const v = v128.load(x);
    const lo = smoothx2(f64x2.promote_low_f32x4(v), kind, order);
    const hi = smoothx2(f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 2, 3)), kind, order);
    v128.store(y, i32x4.shuffle(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; x < end; x += 4, y += 4) {
    const r = smoothx2(f64x2.splat(<f64>load<f32>(x)), kind, order);
    store<f32>(y, <f32>f64x2.extract_lane(r, 0));
  }
}

// ---- scalar (f64) ---------------------------------------------------------------------------------

/** tanh(a) for a ≥ 0 given E = exp(−2a). */
// @ts-ignore: decorator
@inline function tanhPos(a: f64, e: f64): f64 {
  if (a < 0.125) {
    const a2 = a * a;
    return a + a * a2 * (-1.0 / 3 + a2 * (2.0 / 15 + a2 * (-17.0 / 315 + a2 * (62.0 / 2835))));
  }
  return (1 - e) / (1 + e);
}

function smooth1(v: f64, kind: i32, order: i32): f64 {
  const a = Math.abs(v);
  if (kind == TANH) {
    const e = Math.exp(-2 * a);
    const t = v < 0 ? -tanhPos(a, e) : tanhPos(a, e);
    if (order == 0) return t;
    const d = (4 * e) / ((1 + e) * (1 + e));
    return order == 1 ? d : -2 * t * d;
  }
  const e = Math.exp(-a);
  if (order == 0) return v >= 0 ? 1 / (1 + e) : e / (1 + e);
  const d = e / ((1 + e) * (1 + e));
  if (order == 1) return d;
  const h = v < 0 ? -tanhPos(0.5 * a, e) : tanhPos(0.5 * a, e); // tanh(v/2): exp(−2·|v|/2) = e
  return -d * h;
}

// ---- SIMD (f64x2) ---------------------------------------------------------------------------------

/** exp(y) for y in [−700, 0] (callers clamp), two f64 lanes. */
// @ts-ignore: decorator
@inline function expx2(y: v128): v128 {
  // k = round(y / ln2) via the 1.5·2^52 shifter; r = y − k·ln2 in two steps (Cody–Waite).
  const shifter = f64x2.splat(6755399441055744.0);
  const t = f64x2.add(f64x2.mul(y, f64x2.splat(1.4426950408889634)), shifter);
  const k = f64x2.sub(t, shifter);
  let r = f64x2.sub(y, f64x2.mul(k, f64x2.splat(0.6931471803691238)));
  r = f64x2.sub(r, f64x2.mul(k, f64x2.splat(1.9082149292705877e-10)));
  // e^r, |r| ≤ ln2/2: Taylor to degree 11 (truncation < 7e-15 relative), Horner.
  let p = f64x2.splat(1.0 / 39916800);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k from the shifter's low bits: ((2^51 + k) + 1023) << 52 keeps (k + 1023) << 52.
  const scale = i64x2.shl(i64x2.add(t, i64x2.splat(1023)), 52);
  return f64x2.mul(p, scale);
}

/** tanh(a) for a ≥ 0 (two lanes) given E = exp(−2a). */
// @ts-ignore: decorator
@inline function tanhPosx2(a: v128, e: v128): v128 {
  const one = f64x2.splat(1);
  const viaExp = f64x2.div(f64x2.sub(one, e), f64x2.add(one, e));
  const a2 = f64x2.mul(a, a);
  let q = f64x2.splat(62.0 / 2835);
  q = f64x2.add(f64x2.mul(q, a2), f64x2.splat(-17.0 / 315));
  q = f64x2.add(f64x2.mul(q, a2), f64x2.splat(2.0 / 15));
  q = f64x2.add(f64x2.mul(q, a2), f64x2.splat(-1.0 / 3));
  const poly = f64x2.add(a, f64x2.mul(f64x2.mul(a, a2), q));
  return v128.bitselect(poly, viaExp, f64x2.lt(a, f64x2.splat(0.125)));
}

// @ts-ignore: decorator
@inline function smoothx2(v: v128, kind: i32, order: i32): v128 {
  const signMask = i64x2.splat(0x8000000000000000);
  const sign = v128.and(v, signMask);
  const a = f64x2.abs(v);
  const one = f64x2.splat(1);
  const lowest = f64x2.splat(-700);
  if (kind == TANH) {
    const e = expx2(f64x2.pmax(f64x2.mul(a, f64x2.splat(-2)), lowest)); // pmax keeps NaN
    const t = v128.or(tanhPosx2(a, e), sign);
    if (order == 0) return t;
    const ope = f64x2.add(one, e);
    const d = f64x2.div(f64x2.mul(f64x2.splat(4), e), f64x2.mul(ope, ope));
    return order == 1 ? d : f64x2.mul(f64x2.mul(f64x2.splat(-2), t), d);
  }
  const e = expx2(f64x2.pmax(f64x2.neg(a), lowest));
  const ope = f64x2.add(one, e);
  if (order == 0) {
    // x ≥ 0 (sign bit clear): 1/(1 + E); x < 0: E/(1 + E).
    const num = v128.bitselect(e, one, i64x2.ne(sign, i64x2.splat(0)));
    return f64x2.div(num, ope);
  }
  const d = f64x2.div(e, f64x2.mul(ope, ope));
  if (order == 1) return d;
  const h = v128.or(tanhPosx2(f64x2.mul(a, f64x2.splat(0.5)), e), sign);
  return f64x2.neg(f64x2.mul(d, h));
}
