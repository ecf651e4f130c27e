/**
 * fmaPeak: the machine's f32x4 multiply-add throughput, for the benchmarks' ceiling
 * (bench/_ceiling.ts). 12 independent accumulator chains a ← a·x + y (the latency of a
 * multiply-add is about 4 cycles and two issue each cycle on current x86 cores, so 8 chains in
 * flight keep both pipes busy; 12 leave slack and, with x and y, still fit the 16 vector
 * registers V8 allocates on x86-64). Relaxed-SIMD builds use f32x4.relaxed_madd (one fused
 * multiply-add where the hardware has one), the others f32x4.mul then f32x4.add, as the GEMM
 * micro-kernel does. Each iteration is 12 multiply-adds of 4 lanes = 96 flops.
 *
 * The lanes' sum is stored at `out` so the loop cannot be dropped; with x = 1 − 2⁻²⁰ and
 * y = 2⁻¹⁰ every chain tends to y/(1 − x) = 1024, staying finite and normal.
 */

// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

/** Flops of one iteration of fmaPeak (12 chains × 4 lanes × 2). */
export function fmaPeakFlopsPerIteration(): i32 {
  return ASC_FEATURE_SIMD ? 96 : 0;
}

export function fmaPeak(iterations: i32, out: usize): void {
  if (!ASC_FEATURE_SIMD) {
    store<f32>(out, 0);
    return;
  }
  const x = f32x4.splat(<f32>(1 - 1.0 / 1048576));
  const y = f32x4.splat(<f32>(1.0 / 1024));
  let a0 = f32x4.splat(0), a1 = f32x4.splat(1), a2 = f32x4.splat(2), a3 = f32x4.splat(3);
  let a4 = f32x4.splat(4), a5 = f32x4.splat(5), a6 = f32x4.splat(6), a7 = f32x4.splat(7);
  let a8 = f32x4.splat(8), a9 = f32x4.splat(9), a10 = f32x4.splat(10), a11 = f32x4.splat(11);
  for (let i = 0; i < iterations; i++) {
    a0 = madd(a0, x, y); a1 = madd(a1, x, y); a2 = madd(a2, x, y); a3 = madd(a3, x, y);
    a4 = madd(a4, x, y); a5 = madd(a5, x, y); a6 = madd(a6, x, y); a7 = madd(a7, x, y);
    a8 = madd(a8, x, y); a9 = madd(a9, x, y); a10 = madd(a10, x, y); a11 = madd(a11, x, y);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  const t = f32x4.add(f32x4.add(s, f32x4.add(a8, a9)), f32x4.add(a10, a11));
  store<f32>(out, f32x4.extract_lane(t, 0) + f32x4.extract_lane(t, 1) + f32x4.extract_lane(t, 2) + f32x4.extract_lane(t, 3));
}
