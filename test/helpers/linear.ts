/** Small dense float64 linear algebra and Gaussian draws for the closed-form tests. */
import { rng } from './random.js';

/** Standard normals (Box–Muller on the test generator). */
export function normals(seed: number): () => number {
  const r = rng(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u1 = 1 - r(), u2 = r(), rad = Math.sqrt(-2 * Math.log(u1));
    spare = rad * Math.sin(2 * Math.PI * u2);
    return rad * Math.cos(2 * Math.PI * u2);
  };
}

/** R diag(λ) Rᵀ with R a rotation from Gram–Schmidt of a seeded matrix. */
export function symmetric(lambda: number[], seed: number): Float64Array {
  const k = lambda.length, r = rng(seed), q = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) q[i] = r() - 0.5;
  for (let c = 0; c < k; c++) {
    for (let p = 0; p < c; p++) {
      let dot = 0;
      for (let i = 0; i < k; i++) dot += q[i * k + c]! * q[i * k + p]!;
      for (let i = 0; i < k; i++) q[i * k + c]! -= dot * q[i * k + p]!;
    }
    let n = 0;
    for (let i = 0; i < k; i++) n += q[i * k + c]! ** 2;
    for (let i = 0; i < k; i++) q[i * k + c]! /= Math.sqrt(n);
  }
  const h = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) for (let t = 0; t < k; t++) h[i * k + j]! += q[i * k + t]! * lambda[t]! * q[j * k + t]!;
  return h;
}

/** Lower Cholesky factor of a symmetric positive definite K × K matrix. */
export function cholesky(a: Float64Array, k: number): Float64Array {
  const l = new Float64Array(k * k);
  for (let i = 0; i < k; i++) for (let j = 0; j <= i; j++) {
    let s = a[i * k + j]!;
    for (let t = 0; t < j; t++) s -= l[i * k + t]! * l[j * k + t]!;
    l[i * k + j] = i === j ? Math.sqrt(s) : s / l[j * k + j]!;
  }
  return l;
}

/** Solves M x = b (n × n) by Gaussian elimination with partial pivoting. */
export function solve(m: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(m), x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[p * n + c]!)) p = r;
    for (let t = 0; t < n; t++) [a[c * n + t], a[p * n + t]] = [a[p * n + t]!, a[c * n + t]!];
    [x[c], x[p]] = [x[p]!, x[c]!];
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      for (let t = c; t < n; t++) a[r * n + t]! -= f * a[c * n + t]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let t = r + 1; t < n; t++) s -= a[r * n + t]! * x[t]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/** B Bᵀ + ridge·I with B a seeded K × K matrix of uniforms in [−1/2, 1/2): a covariance, positive definite. */
export function randomCovariance(k: number, seed: number, ridge: number): Float64Array {
  const r = rng(seed), b = new Float64Array(k * k), s = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) b[i] = r() - 0.5;
  for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) {
    for (let t = 0; t < k; t++) s[i * k + j]! += b[i * k + t]! * b[j * k + t]!;
    if (i === j) s[i * k + j]! += ridge;
  }
  return s;
}
