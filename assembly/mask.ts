/**
 * mask: dropout masks from the counter-based generator, bit-identical to
 * src/random/counter-hash.ts and shaders/mask.wgsl:
 *   out[s·units + u] = invKeep if (counterHash(seed, step, layer, unitOffset + u, sampleOffset + s) >>> 1)
 *                      < threshold, else 0
 * with threshold = floor(keep · 2^31) and invKeep = fround(1 / keep), both computed by the caller.
 * All counter arithmetic wraps mod 2^32.
 */

// @ts-ignore: decorator
@inline function fmix32(h: u32): u32 {
  h ^= h >>> 16;
  h *= 0x85ebca6b;
  h ^= h >>> 13;
  h *= 0xc2b2ae35;
  h ^= h >>> 16;
  return h;
}

// @ts-ignore: decorator
@inline function fold(h: u32, x: u32): u32 {
  return fmix32(h ^ (x * 0x9e3779b1 + 0x7f4a7c15));
}

// @ts-ignore: decorator
@inline function fmix32x4(h: v128): v128 {
  h = v128.xor(h, i32x4.shr_u(h, 16));
  h = i32x4.mul(h, i32x4.splat(0x85ebca6b));
  h = v128.xor(h, i32x4.shr_u(h, 13));
  h = i32x4.mul(h, i32x4.splat(0xc2b2ae35));
  h = v128.xor(h, i32x4.shr_u(h, 16));
  return h;
}

// @ts-ignore: decorator
@inline function foldx4(h: v128, x: v128): v128 {
  return fmix32x4(v128.xor(h, i32x4.add(i32x4.mul(x, i32x4.splat(0x9e3779b1)), i32x4.splat(0x7f4a7c15))));
}

export function mask(
  out: usize, seed: u32, step: u32, layer: u32, units: i32, samples: i32,
  unitOffset: u32, sampleOffset: u32, threshold: u32, invKeep: f32,
): void {
  let h0 = fmix32(seed + 0x6a09e667);
  h0 = fold(h0, step);
  h0 = fold(h0, layer);
  const bits = reinterpret<u32>(invKeep);
  for (let s = 0; s < samples; s++) {
    const sample = sampleOffset + <u32>s;
    let u = 0;
    if (ASC_FEATURE_SIMD) {
      const vh0 = i32x4.splat(h0);
      const vs = i32x4.splat(sample);
      const vt = i32x4.splat(threshold);
      const vk = i32x4.splat(bits);
      let vu = i32x4.add(i32x4.splat(unitOffset), i32x4(0, 1, 2, 3));
      const four = i32x4.splat(4);
      for (; u + 4 <= units; u += 4) {
        const h = foldx4(foldx4(vh0, vu), vs);
        v128.store(out, v128.and(i32x4.lt_u(i32x4.shr_u(h, 1), vt), vk));
        vu = i32x4.add(vu, four);
        out += 16;
      }
    }
    for (; u < units; u++) {
      const h = fold(fold(h0, unitOffset + <u32>u), sample);
      store<u32>(out, (h >>> 1) < threshold ? bits : 0);
      out += 4;
    }
  }
}
