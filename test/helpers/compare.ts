/** Element-wise comparisons with per-element bounds; failures name the worst element. */
import * as assert from 'uvu/assert';

/** Asserts |got[i] − want[i]| ≤ bound[i] (or a scalar bound) for every i in `indices` (default all). */
export function assertWithin(
  what: string,
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  bound: ArrayLike<number> | number,
  indices?: Iterable<number>,
): void {
  assert.is(got.length >= want.length, true, `${what}: got ${got.length} values, want ≥ ${want.length}`);
  let worst = -1, worstExcess = 0, checked = 0;
  const idx = indices ?? Array.from({ length: want.length }, (_, i) => i);
  for (const i of idx) {
    const g = got[i]!, w = want[i]!;
    const b = typeof bound === 'number' ? bound : bound[i]!;
    const err = Math.abs(g - w);
    checked++;
    if (!(err <= b)) {
      const excess = Number.isNaN(err) ? Infinity : err / Math.max(b, 1e-300);
      if (excess > worstExcess || worst < 0) { worst = i; worstExcess = excess; }
    }
  }
  if (worst >= 0) {
    const b = typeof bound === 'number' ? bound : bound[worst]!;
    assert.unreachable(`${what}: element ${worst} is ${got[worst]}, want ${want[worst]} ± ${b} (error ${Math.abs(got[worst]! - want[worst]!)}; ${checked} checked)`);
  }
}

/** Asserts two f32 arrays are bit-for-bit identical. */
export function assertBitIdentical(what: string, a: Float32Array, b: Float32Array): void {
  assert.is(a.length, b.length, `${what}: lengths differ`);
  const ua = new Uint32Array(a.buffer, a.byteOffset, a.length), ub = new Uint32Array(b.buffer, b.byteOffset, b.length);
  for (let i = 0; i < ua.length; i++) {
    if (ua[i] !== ub[i]) assert.unreachable(`${what}: element ${i} differs: ${a[i]} (0x${ua[i]!.toString(16)}) vs ${b[i]} (0x${ub[i]!.toString(16)})`);
  }
}
