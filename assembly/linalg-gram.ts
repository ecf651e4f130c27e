/**
 * Gram matrix accumulation in float64: G += X·Xᵀ for a row-major rows×cols block X (one column chunk
 * of a wide matrix; the JS side streams chunks so that memory stays bounded for cols ~ 1e6).
 * Only entries G[i][j] with j ≥ i are guaranteed to be accumulated (some below the diagonal are too,
 * harmlessly); the caller mirrors the upper triangle at the end.
 */

/** G[i][j] += Σ_k X[i][k]·X[j][k] for j ≥ i. x: rows×cols f64, g: rows×rows f64 (row-major). */
export function gramAccumulate(x: usize, rows: i32, cols: i32, g: usize): void {
  const rs = <usize>cols << 3; // row stride of X in bytes
  const gs = <usize>rows << 3; // row stride of G in bytes
  const r4 = rows & ~3;
  for (let i = 0; i < r4; i += 4) {
    let j = i;
    for (; j + 2 <= rows; j += 2) tile4x2(x + <usize>i * rs, x + <usize>j * rs, rs, cols, g + <usize>i * gs + (<usize>j << 3), gs);
    if (j < rows) {
      for (let ii = 0; ii < 4; ii++) {
        const p = g + <usize>(i + ii) * gs + (<usize>j << 3);
        store<f64>(p, load<f64>(p) + dot(x + <usize>(i + ii) * rs, x + <usize>j * rs, cols));
      }
    }
  }
  for (let i = r4; i < rows; i++) {
    for (let j = i; j < rows; j++) {
      const p = g + <usize>i * gs + (<usize>j << 3);
      store<f64>(p, load<f64>(p) + dot(x + <usize>i * rs, x + <usize>j * rs, cols));
    }
  }
}

// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

function dot(a: usize, b: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  const n4 = n & ~3;
  let k = 0;
  for (; k < n4; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let s = hsum(f64x2.add(s0, s1));
  for (; k < n; k++) {
    const o = <usize>k << 3;
    s += load<f64>(a + o) * load<f64>(b + o);
  }
  return s;
}

/** G[i+a][j+b] += row(i+a)·row(j+b) for a < 4, b < 2: 8 f64x2 accumulators, 6 loads per 2 columns. */
function tile4x2(xi: usize, xj: usize, rs: usize, n: i32, g: usize, gs: usize): void {
  let c00 = f64x2.splat(0), c01 = f64x2.splat(0);
  let c10 = f64x2.splat(0), c11 = f64x2.splat(0);
  let c20 = f64x2.splat(0), c21 = f64x2.splat(0);
  let c30 = f64x2.splat(0), c31 = f64x2.splat(0);
  const n2 = n & ~1;
  const xi1 = xi + rs, xi2 = xi1 + rs, xi3 = xi2 + rs, xj1 = xj + rs;
  let k = 0;
  for (; k < n2; k += 2) {
    const o = <usize>k << 3;
    const b0 = v128.load(xj + o), b1 = v128.load(xj1 + o);
    const a0 = v128.load(xi + o);
    c00 = f64x2.add(c00, f64x2.mul(a0, b0));
    c01 = f64x2.add(c01, f64x2.mul(a0, b1));
    const a1 = v128.load(xi1 + o);
    c10 = f64x2.add(c10, f64x2.mul(a1, b0));
    c11 = f64x2.add(c11, f64x2.mul(a1, b1));
    const a2 = v128.load(xi2 + o);
    c20 = f64x2.add(c20, f64x2.mul(a2, b0));
    c21 = f64x2.add(c21, f64x2.mul(a2, b1));
    const a3 = v128.load(xi3 + o);
    c30 = f64x2.add(c30, f64x2.mul(a3, b0));
    c31 = f64x2.add(c31, f64x2.mul(a3, b1));
  }
  let s00 = hsum(c00), s01 = hsum(c01), s10 = hsum(c10), s11 = hsum(c11);
  let s20 = hsum(c20), s21 = hsum(c21), s30 = hsum(c30), s31 = hsum(c31);
  if (k < n) {
    const o = <usize>k << 3;
    const b0 = load<f64>(xj + o), b1 = load<f64>(xj1 + o);
    const a0 = load<f64>(xi + o), a1 = load<f64>(xi1 + o), a2 = load<f64>(xi2 + o), a3 = load<f64>(xi3 + o);
    s00 += a0 * b0; s01 += a0 * b1;
    s10 += a1 * b0; s11 += a1 * b1;
    s20 += a2 * b0; s21 += a2 * b1;
    s30 += a3 * b0; s31 += a3 * b1;
  }
  let p = g;
  store<f64>(p, load<f64>(p) + s00); store<f64>(p, load<f64>(p, 8) + s01, 8);
  p += gs;
  store<f64>(p, load<f64>(p) + s10); store<f64>(p, load<f64>(p, 8) + s11, 8);
  p += gs;
  store<f64>(p, load<f64>(p) + s20); store<f64>(p, load<f64>(p, 8) + s21, 8);
  p += gs;
  store<f64>(p, load<f64>(p) + s30); store<f64>(p, load<f64>(p, 8) + s31, 8);
}
