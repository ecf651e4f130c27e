/** mul: out = x ⊙ y elementwise over n f32 values; out may alias x or y. Twin of shaders/mul.wgsl. */
export function mul(x: usize, y: usize, out: usize, n: i32): void {
  const end = x + (<usize>n << 2);
  if (ASC_FEATURE_SIMD) {
    const end4 = x + (<usize>(n & ~3) << 2);
    for (; x < end4; x += 16, y += 16, out += 16) v128.store(out, f32x4.mul(v128.load(x), v128.load(y)));
  }
  for (; x < end; x += 4, y += 4, out += 4) store<f32>(out, load<f32>(x) * load<f32>(y));
}
