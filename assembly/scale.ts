/** scale: x ← alpha·x over n f32 values. Twin of shaders/scale.wgsl. */
export function scale(alpha: f32, x: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    const end4 = x + (<usize>(n & ~3) << 2);
    for (; x < end4; x += 16) v128.store(x, f32x4.mul(va, v128.load(x)));
  }
  for (; x < end; x += 4) store<f32>(x, alpha * load<f32>(x));
}
