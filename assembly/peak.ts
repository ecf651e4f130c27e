/**
 * fmaPeak: the machine's f32x4 multiply-add throughput, for the benchmarks' ceiling
 * (bench/_ceiling.ts). The loop has the GEMM micro-kernel's shape — accumulators c += x·y whose
 * products do not depend on the accumulators — without its packing, edges or cache misses:
 * 8 accumulators c_ij += x_i·y_j (2 x and 4 y vectors loaded each iteration from a small block
 * that stays in L1, so nothing can be hoisted out of the loop). Eight independent chains cover the
 * latency of an add (about 3 cycles) or a fused multiply-add (about 4) at two a cycle. On this
 * project's machine (AMD EPYC, Zen 3) 2 × 4 was the fastest of 1 × 8, 2 × 3, 2 × 4, 2 × 5, 3 × 4
 * and of 8 or 12 chains a ← a·x + y, for FMA and for mul + add alike (2 × 5 and 3 × 4 spill: V8
 * allocates 15 vector registers on x86-64). Relaxed-SIMD builds use f32x4.relaxed_madd (one fused
 * multiply-add where the hardware has one), the others f32x4.mul then f32x4.add, as the GEMM
 * micro-kernel does.
 *
 * `data` holds fmaPeakDataBytes() of finite values (walked in 64 steps of 6 vectors); the
 * accumulators' lane sum is stored at `out` so the loop cannot be dropped.
 */

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Flops of one iteration of fmaPeak (8 multiply-adds × 4 lanes × 2); 0 without SIMD. */
export function fmaPeakFlopsPerIteration(): i32 {
  return ASC_FEATURE_SIMD ? 64 : 0;
}

/** Bytes fmaPeak reads from `data`. */
export function fmaPeakDataBytes(): i32 {
  return 64 * 6 * 16;
}

export function fmaPeak(iterations: i32, data: usize, out: usize): void {
  if (!ASC_FEATURE_SIMD) {
    store<f32>(out, 0);
    return;
  }
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let i = 0; i < iterations; i++) {
    const p = data + <usize>((i & 63) * 96);
    const x0 = v128.load(p), x1 = v128.load(p, 16);
    let y = v128.load(p, 32);
    c00 = madd(x0, y, c00); c10 = madd(x1, y, c10);
    y = v128.load(p, 48);
    c01 = madd(x0, y, c01); c11 = madd(x1, y, c11);
    y = v128.load(p, 64);
    c02 = madd(x0, y, c02); c12 = madd(x1, y, c12);
    y = v128.load(p, 80);
    c03 = madd(x0, y, c03); c13 = madd(x1, y, c13);
  }
  const t = f32x4.add(f32x4.add(f32x4.add(c00, c01), f32x4.add(c02, c03)), f32x4.add(f32x4.add(c10, c11), f32x4.add(c12, c13)));
  store<f32>(out, f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3));
}
