/** axpy: y ← alpha·x + y over n f32 values (multiply, then add: no fused rounding). Twin of shaders/axpy.wgsl. */
export function axpy(alpha: f32, x: usize, y: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const va = f32x4.splat(alpha);
    const end4 = x + (<usize>(n & ~3) << 2);
    for (; x < end4; x += 16, y += 16) v128.store(y, f32x4.add(f32x4.mul(va, v128.load(x)), v128.load(y)));
  }
  for (; x < end; x += 4, y += 4) store<f32>(y, alpha * load<f32>(x) + load<f32>(y));
}
