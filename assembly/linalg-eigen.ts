/**
 * Symmetric eigen-decomposition in float64: Householder tridiagonalisation (tred2) followed by the
 * implicit QL algorithm with Wilkinson-type shifts (tql2), accumulating eigenvectors — the EISPACK /
 * JAMA scheme, with the matrix of vectors held transposed so that every O(n³) loop runs over
 * contiguous memory (and in f64x2 SIMD).
 *
 * Storage: W (n×n, row-major) holds Vᵀ, so row j of W is column j of V, i.e. eigenvector j. Since
 * the input matrix is symmetric, loading A itself as W is loading Vᵀ = A.
 */

// @ts-ignore: decorator
@inline function ld(p: usize, i: i32): f64 {
  return load<f64>(p + (<usize>i << 3));
}
// @ts-ignore: decorator
@inline function st(p: usize, i: i32, v: f64): void {
  store<f64>(p + (<usize>i << 3), v);
}
// @ts-ignore: decorator
@inline function hsum(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** sqrt(a² + b²) without intermediate overflow. */
// @ts-ignore: decorator
@inline function hyp(a: f64, b: f64): f64 {
  a = abs(a);
  b = abs(b);
  if (a < b) {
    const t = a;
    a = b;
    b = t;
  }
  if (a == 0) return 0;
  const r = b / a;
  return a * sqrt(1 + r * r);
}

/** Σ_{k0≤k<k1} x[k]·d[k], and e[k] += f·x[k] on the same range. */
function dotAxpy(x: usize, d: usize, e: usize, f: f64, k0: i32, k1: i32): f64 {
  let s = f64x2.splat(0);
  const vf = f64x2.splat(f);
  let k = k0;
  for (; k + 2 <= k1; k += 2) {
    const o = <usize>k << 3;
    const xv = v128.load(x + o);
    s = f64x2.add(s, f64x2.mul(xv, v128.load(d + o)));
    v128.store(e + o, f64x2.add(v128.load(e + o), f64x2.mul(xv, vf)));
  }
  let t = hsum(s);
  if (k < k1) {
    const xk = ld(x, k);
    t += xk * ld(d, k);
    st(e, k, ld(e, k) + xk * f);
  }
  return t;
}

/** x[k] −= f·e[k] + g·d[k] for k0 ≤ k < k1. */
function rank2(x: usize, e: usize, d: usize, f: f64, g: f64, k0: i32, k1: i32): void {
  const vf = f64x2.splat(f), vg = f64x2.splat(g);
  let k = k0;
  for (; k + 2 <= k1; k += 2) {
    const o = <usize>k << 3;
    const u = f64x2.add(f64x2.mul(vf, v128.load(e + o)), f64x2.mul(vg, v128.load(d + o)));
    v128.store(x + o, f64x2.sub(v128.load(x + o), u));
  }
  if (k < k1) st(x, k, ld(x, k) - (f * ld(e, k) + g * ld(d, k)));
}

/** Σ_{k<len} a[k]·b[k]. */
function dot(a: usize, b: usize, len: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0);
  let k = 0;
  for (; k + 4 <= len; k += 4) {
    const o = <usize>k << 3;
    s0 = f64x2.add(s0, f64x2.mul(v128.load(a + o), v128.load(b + o)));
    s1 = f64x2.add(s1, f64x2.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  let t = hsum(f64x2.add(s0, s1));
  for (; k < len; k++) t += ld(a, k) * ld(b, k);
  return t;
}

/** y[k] −= g·x[k] for k < len. */
function axmy(g: f64, x: usize, y: usize, len: i32): void {
  const vg = f64x2.splat(g);
  let k = 0;
  for (; k + 2 <= len; k += 2) {
    const o = <usize>k << 3;
    v128.store(y + o, f64x2.sub(v128.load(y + o), f64x2.mul(vg, v128.load(x + o))));
  }
  if (k < len) st(y, k, ld(y, k) - g * ld(x, k));
}

/**
 * Applies the recorded QL sweeps rot[0..len) to w. A sweep is stored as l, m, then (c, s) for
 * i = m−1 down to l, and means rotate(row i, row i+1) for each i in that order:
 * (row i, row i+1) ← (c·row i − s·row i+1, s·row i + c·row i+1). Rotations mix rows only, so each
 * block of 8 columns is carried through every recorded sweep while it sits in cache (one pass over w
 * per batch of sweeps instead of one per sweep), the row shared by consecutive rotations in registers.
 */
function applySweeps(w: usize, rs: usize, n: i32, rot: usize, len: i32): void {
  const n8 = n & ~7;
  let k = 0;
  for (; k < n8; k += 8) {
    const col = w + (<usize>k << 3);
    let r = 0;
    while (r < len) {
      const l = <i32>ld(rot, r), m = <i32>ld(rot, r + 1);
      let cp = rot + (<usize>(r + 2) << 3);
      let p = col + <usize>m * rs;
      let x0 = v128.load(p), x1 = v128.load(p, 16), x2 = v128.load(p, 32), x3 = v128.load(p, 48);
      for (let i = m - 1; i >= l; i--) {
        const q = p - rs;
        const vc = v128.load64_splat(cp), vs = v128.load64_splat(cp, 8);
        cp += 16;
        const a0 = v128.load(q), a1 = v128.load(q, 16), a2 = v128.load(q, 32), a3 = v128.load(q, 48);
        v128.store(p, f64x2.add(f64x2.mul(vs, a0), f64x2.mul(vc, x0)));
        v128.store(p, f64x2.add(f64x2.mul(vs, a1), f64x2.mul(vc, x1)), 16);
        v128.store(p, f64x2.add(f64x2.mul(vs, a2), f64x2.mul(vc, x2)), 32);
        v128.store(p, f64x2.add(f64x2.mul(vs, a3), f64x2.mul(vc, x3)), 48);
        x0 = f64x2.sub(f64x2.mul(vc, a0), f64x2.mul(vs, x0));
        x1 = f64x2.sub(f64x2.mul(vc, a1), f64x2.mul(vs, x1));
        x2 = f64x2.sub(f64x2.mul(vc, a2), f64x2.mul(vs, x2));
        x3 = f64x2.sub(f64x2.mul(vc, a3), f64x2.mul(vs, x3));
        p = q;
      }
      v128.store(p, x0);
      v128.store(p, x1, 16);
      v128.store(p, x2, 32);
      v128.store(p, x3, 48);
      r += 2 + 2 * (m - l);
    }
  }
  for (; k < n; k++) {
    const col = w + (<usize>k << 3);
    let r = 0;
    while (r < len) {
      const l = <i32>ld(rot, r), m = <i32>ld(rot, r + 1);
      let cp = rot + (<usize>(r + 2) << 3);
      let p = col + <usize>m * rs;
      let x = load<f64>(p);
      for (let i = m - 1; i >= l; i--) {
        const q = p - rs;
        const c = load<f64>(cp), s = load<f64>(cp, 8), a = load<f64>(q);
        cp += 16;
        store<f64>(p, s * a + c * x);
        x = c * a - s * x;
        p = q;
      }
      store<f64>(p, x);
      r += 2 + 2 * (m - l);
    }
  }
}

/**
 * Householder reduction of the symmetric n×n matrix in w (row-major) to tridiagonal form.
 * Out: d[0..n) the diagonal, e[0..n−1) the off-diagonal (e[i] couples i and i+1; e[n−1] = 0), and,
 * when `vectors` ≠ 0, w = Qᵀ with A = Q·T·Qᵀ (row j of w = column j of Q). With vectors = 0, w is
 * left as scratch. d and e hold n f64 each.
 */
export function tred2(w: usize, d: usize, e: usize, n: i32, vectors: i32): void {
  const rs = <usize>n << 3;
  for (let j = 0; j < n; j++) st(d, j, ld(w + <usize>j * rs, n - 1));
  for (let i = n - 1; i > 0; i--) {
    const wi = w + <usize>i * rs;
    let scale = 0.0, h = 0.0;
    for (let k = 0; k < i; k++) scale += abs(ld(d, k));
    if (scale == 0) {
      st(e, i, ld(d, i - 1));
      for (let j = 0; j < i; j++) {
        const wj = w + <usize>j * rs;
        st(d, j, ld(wj, i - 1));
        st(wj, i, 0);
        st(wi, j, 0);
      }
    } else {
      for (let k = 0; k < i; k++) {
        const v = ld(d, k) / scale;
        st(d, k, v);
        h += v * v;
      }
      let f = ld(d, i - 1);
      let g = sqrt(h);
      if (f > 0) g = -g;
      st(e, i, scale * g);
      h -= f * g;
      st(d, i - 1, f - g);
      for (let j = 0; j < i; j++) st(e, j, 0);
      for (let j = 0; j < i; j++) {
        const wj = w + <usize>j * rs;
        f = ld(d, j);
        st(wi, j, f);
        g = ld(e, j) + ld(wj, j) * f;
        g += dotAxpy(wj, d, e, f, j + 1, i);
        st(e, j, g);
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        const v = ld(e, j) / h;
        st(e, j, v);
        f += v * ld(d, j);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) st(e, j, ld(e, j) - hh * ld(d, j));
      for (let j = 0; j < i; j++) {
        const wj = w + <usize>j * rs;
        rank2(wj, e, d, ld(d, j), ld(e, j), j, i);
        st(d, j, ld(wj, i - 1));
        st(wj, i, 0);
      }
    }
    st(d, i, h);
  }
  if (vectors) {
    for (let i = 0; i < n - 1; i++) {
      const wi = w + <usize>i * rs, wi1 = wi + rs;
      st(wi, n - 1, ld(wi, i));
      st(wi, i, 1);
      const h = ld(d, i + 1);
      if (h != 0) {
        for (let k = 0; k <= i; k++) st(d, k, ld(wi1, k) / h);
        for (let j = 0; j <= i; j++) {
          const wj = w + <usize>j * rs;
          axmy(dot(wi1, wj, i + 1), d, wj, i + 1);
        }
      }
      for (let k = 0; k <= i; k++) st(wi1, k, 0);
    }
    for (let j = 0; j < n; j++) {
      const wj = w + <usize>j * rs;
      st(d, j, ld(wj, n - 1));
      st(wj, n - 1, 0);
    }
    st(w + <usize>(n - 1) * rs, n - 1, 1);
  } else {
    for (let j = 0; j < n; j++) st(d, j, ld(w + <usize>j * rs, j));
  }
  for (let i = 1; i < n; i++) st(e, i - 1, ld(e, i));
  st(e, n - 1, 0);
}

/**
 * Eigenvalues (and, when `vectors` ≠ 0, eigenvectors) of the symmetric tridiagonal matrix with
 * diagonal d[0..n) and off-diagonal e[0..n−1) (e[n−1] is scratch), by implicit QL with shifts.
 * When vectors ≠ 0, rot is scratch for cap ≥ 2n + 2 f64: the sweeps' rotations are recorded there
 * and applied to w in batches (applySweeps).
 * Out: d = eigenvalues ascending; e destroyed; row j of w (n×n, which must hold Qᵀ on entry —
 * the identity for a plain tridiagonal problem, tred2's output for a dense one) = the unit
 * eigenvector of d[j] in the original basis. Returns 0, or −1 − l when eigenvalue l failed to
 * converge within 64 iterations (d, w are then incomplete).
 */
export function tql2(d: usize, e: usize, w: usize, n: i32, vectors: i32, rot: usize, cap: i32): i32 {
  const rs = <usize>n << 3;
  let len = 0; // f64 recorded in rot
  const eps: f64 = 2.220446049250313e-16; // 2^-52
  st(e, n - 1, 0);
  let f = 0.0, tst1 = 0.0;
  for (let l = 0; l < n; l++) {
    tst1 = max(tst1, abs(ld(d, l)) + abs(ld(e, l)));
    let m = l;
    while (m < n - 1 && abs(ld(e, m)) > eps * tst1) m++;
    if (m > l) {
      let iter = 0;
      do {
        if (++iter > 64) return -1 - l;
        // Shift: the eigenvalue of the leading 2×2 block closer to d[l].
        let g = ld(d, l);
        let p = (ld(d, l + 1) - g) / (2 * ld(e, l));
        let r = hyp(p, 1);
        if (p < 0) r = -r;
        const el = ld(e, l);
        st(d, l, el / (p + r));
        st(d, l + 1, el * (p + r));
        const dl1 = ld(d, l + 1);
        let h = g - ld(d, l);
        for (let i = l + 2; i < n; i++) st(d, i, ld(d, i) - h);
        f += h;
        // Implicit QL sweep from m−1 up to l.
        p = ld(d, m);
        let c = 1.0, c2 = 1.0, c3 = 1.0, s = 0.0, s2 = 0.0;
        const el1 = ld(e, l + 1);
        if (vectors) {
          if (len + 2 + 2 * (m - l) > cap) {
            applySweeps(w, rs, n, rot, len);
            len = 0;
          }
          st(rot, len++, <f64>l);
          st(rot, len++, <f64>m);
        }
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          const ei = ld(e, i), di = ld(d, i);
          g = c * ei;
          h = c * p;
          r = hyp(p, ei);
          st(e, i + 1, s * r);
          s = ei / r;
          c = p / r;
          p = c * di - s * g;
          st(d, i + 1, h + s * (c * g + s * di));
          if (vectors) {
            st(rot, len++, c);
            st(rot, len++, s);
          }
        }
        p = (-s * s2 * c3 * el1 * ld(e, l)) / dl1;
        st(e, l, s * p);
        st(d, l, c * p);
      } while (abs(ld(e, l)) > eps * tst1);
    }
    st(d, l, ld(d, l) + f);
    st(e, l, 0);
  }
  if (vectors && len > 0) applySweeps(w, rs, n, rot, len);
  // Selection sort, ascending; rows of w follow their eigenvalues.
  for (let i = 0; i < n - 1; i++) {
    let k = i;
    let p = ld(d, i);
    for (let j = i + 1; j < n; j++) {
      const dj = ld(d, j);
      if (dj < p) {
        k = j;
        p = dj;
      }
    }
    if (k != i) {
      st(d, k, ld(d, i));
      st(d, i, p);
      if (vectors) {
        const a = w + <usize>i * rs, b = w + <usize>k * rs;
        for (let t = 0; t < n; t++) {
          const v = ld(a, t);
          st(a, t, ld(b, t));
          st(b, t, v);
        }
      }
    }
  }
  return 0;
}
