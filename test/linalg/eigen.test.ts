/**
 * src/linalg: symmetric and tridiagonal eigen-decompositions and Gram matrices (float64 WebAssembly)
 * against known spectra and float64 references built here in plain JavaScript.
 * - Known spectra (diagonal, Q·diag(λ)·Qᵀ with Q a product of seeded Householder reflections, the
 *   second-difference matrix): eigenvalues to 1e-8 relative (|λ| ≥ 1 by construction, or the exact
 *   2 − 2cos(kπ/(n+1)) formula).
 * - Every decomposition: residuals max|A·v − λ·v| ≤ 1e-10·‖A‖₂, orthonormality max|VᵀV − I| ≤ 1e-10,
 *   Σλ = tr A and Σλ² = ‖A‖_F² to 1e-10 relative. (A backward-stable solver gives O(n·ε) ≈ 1e-13.)
 * - gram: |G − G_ref| ≤ 2·cols·ε·Σ|x_ik·x_jk| (the summation-order-independent rounding bound).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gram, symmetricEigen, tridiagonalEigen, type EigenResult } from '../../src/linalg/index.js';
import { ArgumentError } from '../../src/errors.js';
import { rng } from '../helpers/random.js';

const EPS = 2 ** -52;

/** Q = H₁·H₂·…·H_n (Householder reflections of seeded Gaussian-ish vectors): a random orthogonal matrix. */
function randomOrthogonal(n: number, seed: number): Float64Array {
  const r = rng(seed);
  const q = new Float64Array(n * n);
  for (let i = 0; i < n; i++) q[i * n + i] = 1;
  const v = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    let norm2 = 0;
    for (let i = 0; i < n; i++) {
      v[i] = r() + r() + r() - 1.5;
      norm2 += v[i]! * v[i]!;
    }
    // Q ← Q·(I − 2vvᵀ/vᵀv)
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * v[k]!;
      const f = (2 * s) / norm2;
      for (let k = 0; k < n; k++) q[i * n + k] = q[i * n + k]! - f * v[k]!;
    }
  }
  return q;
}

/** Q·diag(λ)·Qᵀ, exactly symmetrised. */
function similarity(q: Float64Array, lambda: ArrayLike<number>, n: number): Float64Array {
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += q[i * n + k]! * lambda[k]! * q[j * n + k]!;
      a[i * n + j] = s;
      a[j * n + i] = s;
    }
  }
  return a;
}

/** Plain float64 X·Xᵀ. */
function gramRef(x: ArrayLike<number>, rows: number, cols: number): { g: Float64Array; abs: Float64Array } {
  const g = new Float64Array(rows * rows), abs = new Float64Array(rows * rows);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < rows; j++) {
      let s = 0, t = 0;
      for (let k = 0; k < cols; k++) {
        const p = x[i * cols + k]! * x[j * cols + k]!;
        s += p;
        t += Math.abs(p);
      }
      g[i * rows + j] = s;
      abs[i * rows + j] = t;
    }
  }
  return { g, abs };
}

const sorted = (v: ArrayLike<number>) => Float64Array.from(v).sort();

function assertSpectrum(got: Float64Array, want: ArrayLike<number>, rel: number, label: string): void {
  const w = sorted(want);
  assert.is(got.length, w.length, `${label}: count`);
  for (let i = 0; i < w.length; i++) {
    const err = Math.abs(got[i]! - w[i]!);
    if (!(err <= rel * Math.abs(w[i]!))) assert.unreachable(`${label}: λ[${i}] = ${got[i]} vs ${w[i]} (relative error ${err / Math.abs(w[i]!)} > ${rel})`);
  }
}

/** Residual, orthonormality, ascending order, trace and Frobenius identities of a decomposition of a. */
function assertDecomposition(a: Float64Array, n: number, res: EigenResult, label: string): void {
  const { values, vectors } = res;
  assert.ok(vectors, `${label}: vectors`);
  const V = vectors!;
  assert.is(values.length, n);
  assert.is(V.length, n * n);
  for (let i = 1; i < n; i++) assert.ok(values[i - 1]! <= values[i]!, `${label}: ascending at ${i}`);
  const norm2 = Math.max(Math.abs(values[0]!), Math.abs(values[n - 1]!)); // ‖A‖₂
  const scale = Math.max(norm2, Number.MIN_VALUE);
  // Identities on A/‖A‖₂ so that squares neither overflow nor underflow at extreme scales.
  let trace = 0, fro2 = 0, sum = 0, sum2 = 0;
  for (let i = 0; i < n; i++) {
    trace += a[i * n + i]! / scale;
    sum += values[i]! / scale;
    sum2 += (values[i]! / scale) ** 2;
    for (let j = 0; j < n; j++) fro2 += (a[i * n + j]! / scale) ** 2;
  }
  assert.ok(Math.abs(sum - trace) <= 1e-10 * n, `${label}: Σλ = ${sum} vs tr A = ${trace} (both /‖A‖₂)`);
  assert.ok(Math.abs(sum2 - fro2) <= 1e-10 * Math.max(fro2, Number.MIN_VALUE), `${label}: Σλ² = ${sum2} vs ‖A‖_F² = ${fro2} (both /‖A‖₂²)`);
  let res_ = 0, orth = 0;
  const av = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    av.fill(0);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * V[k * n + j]!;
      res_ = Math.max(res_, Math.abs(s - values[j]! * V[i * n + j]!));
    }
  }
  for (let j = 0; j < n; j++) {
    for (let l = j; l < n; l++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += V[k * n + j]! * V[k * n + l]!;
      orth = Math.max(orth, Math.abs(s - (j === l ? 1 : 0)));
    }
  }
  assert.ok(res_ <= 1e-10 * scale, `${label}: residual ${res_} > 1e-10·‖A‖ = ${1e-10 * scale}`);
  assert.ok(orth <= 1e-10, `${label}: max|VᵀV − I| = ${orth}`);
}

async function throwsArg(fn: () => Promise<unknown>, argument: string, label: string): Promise<void> {
  try {
    await fn();
  } catch (err) {
    assert.instance(err, ArgumentError, `${label}: ${err}`);
    assert.is((err as ArgumentError).argument, argument, `${label}: ${(err as Error).message}`);
    return;
  }
  assert.unreachable(`${label}: no error`);
}

const sym = suite('linalg: symmetricEigen');

sym('n = 1 and a zero matrix', async () => {
  const one = await symmetricEigen(new Float64Array([-3.5]), 1);
  assert.equal([...one.values], [-3.5]);
  assert.equal([...one.vectors!], [1]);
  const zero = await symmetricEigen(new Float64Array(16), 4);
  assert.equal([...zero.values], [0, 0, 0, 0]);
  assertDecomposition(new Float64Array(16), 4, zero, 'zero');
});

sym('diagonal matrices, repeated eigenvalues included', async () => {
  for (const diag of [[3, 1, 2], [5, 5, 5, 5], [2, -1, 2, 7, -1, 2, 0, 0], [1e-300, -1e100, 3]]) {
    const n = diag.length;
    const a = new Float64Array(n * n);
    diag.forEach((v, i) => { a[i * n + i] = v; });
    const res = await symmetricEigen(a, n);
    assert.equal([...res.values], [...sorted(diag)], `diag ${diag}`); // exact: nothing to rotate
    assertDecomposition(a, n, res, `diag ${diag}`);
  }
});

sym('Q·diag(λ)·Qᵀ with known λ, n = 1, 2, 5, 50, 300: eigenvalues to 1e-8 relative', async () => {
  for (const n of [1, 2, 5, 50, 300]) {
    const r = rng(1000 + n);
    // |λ| in [1, 10], both signs, with a cluster of equal values and a near-tie.
    const lambda = Array.from({ length: n }, () => (r() < 0.5 ? -1 : 1) * (1 + 9 * r()));
    if (n >= 5) {
      lambda[1] = lambda[2] = lambda[3] = 4.25;
      lambda[4] = 4.25 * (1 + 1e-9);
    }
    const a = similarity(randomOrthogonal(n, 2000 + n), lambda, n);
    const res = await symmetricEigen(a, n);
    assertSpectrum(res.values, lambda, 1e-8, `n = ${n}`);
    assertDecomposition(a, n, res, `n = ${n}`);
    const only = await symmetricEigen(a, n, { vectors: false });
    assert.is(only.vectors, null);
    assertSpectrum(only.values, lambda, 1e-8, `n = ${n}, values only`);
  }
});

sym('Wishart X·Xᵀ (full rank and rank-deficient): residuals, orthonormality, trace and Frobenius', async () => {
  for (const [n, d, seed] of [[40, 100, 1], [120, 30, 2], [200, 400, 3]] as const) {
    const r = rng(seed);
    const x = Float64Array.from({ length: n * d }, () => r() + r() + r() - 1.5);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) {
      for (let j = i; j < n; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += x[i * d + k]! * x[j * d + k]!;
        a[i * n + j] = s;
        a[j * n + i] = s;
      }
    }
    const res = await symmetricEigen(a, n);
    assertDecomposition(a, n, res, `Wishart ${n}×${d}`);
    if (d < n) {
      // n − d eigenvalues are zero (to rounding), the rest positive.
      for (let i = 0; i < n - d; i++) assert.ok(Math.abs(res.values[i]!) <= 1e-10 * res.values[n - 1]!, `zero eigenvalue ${i}: ${res.values[i]}`);
      assert.ok(res.values[n - d]! > 1e-6 * res.values[n - 1]!);
    } else {
      assert.ok(res.values[0]! > 0);
    }
  }
});

sym('eigenvector signs: the largest-magnitude component is positive', async () => {
  const n = 30;
  const r = rng(77);
  const a = similarity(randomOrthogonal(n, 78), Array.from({ length: n }, () => r() * 10), n);
  const { vectors } = await symmetricEigen(a, n);
  for (let j = 0; j < n; j++) {
    let best = 0, v = 0;
    for (let i = 0; i < n; i++) if (Math.abs(vectors![i * n + j]!) > best) { best = Math.abs(vectors![i * n + j]!); v = vectors![i * n + j]!; }
    assert.ok(v > 0, `vector ${j}`);
  }
});

sym('extreme scales (power-of-two scaling keeps intermediate quantities finite)', async () => {
  for (const s of [1e-300, 1e300]) {
    const n = 20;
    const lambda = Array.from({ length: n }, (_, i) => (i - 7.5) * s);
    const a = similarity(randomOrthogonal(n, 31), lambda, n);
    const res = await symmetricEigen(a, n);
    assertSpectrum(res.values, lambda, 1e-8, `scale ${s}`);
    assertDecomposition(a, n, res, `scale ${s}`);
  }
});

sym('asymmetry: refused beyond 1e-12·max|a|, or averaged with symmetrize', async () => {
  const n = 4;
  const a = similarity(randomOrthogonal(n, 5), [1, 2, 3, 4], n);
  const tiny = a.slice();
  tiny[1] = tiny[1]! + 1e-14; // within tolerance: accepted
  assertSpectrum((await symmetricEigen(tiny, n)).values, [1, 2, 3, 4], 1e-8, 'tiny asymmetry');
  const bad = a.slice();
  bad[1 * n + 3] = bad[1 * n + 3]! + 1e-6;
  await throwsArg(() => symmetricEigen(bad, n), 'a', 'asymmetric');
  const avg = a.slice();
  avg[1 * n + 3] = avg[1 * n + 3]! + 2e-3;
  avg[3 * n + 1] = avg[3 * n + 1]! - 2e-3;
  const res = await symmetricEigen(avg, n, { symmetrize: true });
  assertSpectrum(res.values, [1, 2, 3, 4], 1e-8, 'symmetrize');
});

sym('bad inputs are refused with an ArgumentError naming the argument', async () => {
  const a = new Float64Array([1, 2, 2, 1]);
  await throwsArg(() => symmetricEigen(a, 0), 'n', 'n = 0');
  await throwsArg(() => symmetricEigen(a, 1.5), 'n', 'n = 1.5');
  await throwsArg(() => symmetricEigen(a, '2' as unknown as number), 'n', 'n string');
  await throwsArg(() => symmetricEigen(a, 3), 'a', 'length');
  await throwsArg(() => symmetricEigen(new Float32Array(4) as unknown as Float64Array, 2), 'a', 'Float32Array');
  await throwsArg(() => symmetricEigen([1, 2, 2, 1] as unknown as Float64Array, 2), 'a', 'array');
  await throwsArg(() => symmetricEigen(new Float64Array([1, NaN, NaN, 1]), 2), 'a', 'NaN');
  await throwsArg(() => symmetricEigen(new Float64Array([1, 0, 0, Infinity]), 2), 'a', 'Infinity');
  await throwsArg(() => symmetricEigen(a, 2, null as unknown as undefined), 'opts', 'opts null');
  await throwsArg(() => symmetricEigen(a, 2, { vectors: 1 as unknown as boolean }), 'opts.vectors', 'opts.vectors');
  await throwsArg(() => symmetricEigen(a, 2, { symmetrize: 'yes' as unknown as boolean }), 'opts.symmetrize', 'opts.symmetrize');
});

sym.run();

const tri = suite('linalg: tridiagonalEigen');

tri('second-difference matrix: λ_k = 2 − 2cos(kπ/(n+1)), v_k(i) ∝ sin(ikπ/(n+1))', async () => {
  for (const n of [1, 2, 3, 10, 100, 400]) {
    const res = await tridiagonalEigen(new Float64Array(n).fill(2), new Float64Array(n - 1).fill(-1));
    const want = Array.from({ length: n }, (_, k) => 2 - 2 * Math.cos(((k + 1) * Math.PI) / (n + 1)));
    assertSpectrum(res.values, want, 1e-8, `n = ${n}`);
    const V = res.vectors!;
    const c = Math.sqrt(2 / (n + 1));
    let err = 0;
    for (let k = 0; k < n; k++) {
      let dotp = 0;
      for (let i = 0; i < n; i++) dotp += V[i * n + k]! * c * Math.sin(((i + 1) * (k + 1) * Math.PI) / (n + 1));
      const sign = Math.sign(dotp);
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(V[i * n + k]! - sign * c * Math.sin(((i + 1) * (k + 1) * Math.PI) / (n + 1))));
    }
    assert.ok(err <= 1e-8, `n = ${n}: eigenvector error ${err}`);
  }
});

tri('random tridiagonal against the dense solver (values, first and last eigenvector components)', async () => {
  for (const [n, seed] of [[1, 1], [2, 2], [7, 3], [60, 4], [250, 5]] as const) {
    const r = rng(seed);
    const alpha = Float64Array.from({ length: n }, () => 4 * r() - 2);
    const beta = Float64Array.from({ length: n - 1 }, () => 2 * r() - 1);
    const t = new Float64Array(n * n);
    for (let i = 0; i < n; i++) t[i * n + i] = alpha[i]!;
    for (let i = 0; i < n - 1; i++) t[i * n + i + 1] = t[(i + 1) * n + i] = beta[i]!;
    const res = await tridiagonalEigen(alpha, beta);
    const dense = await symmetricEigen(t, n);
    assertDecomposition(t, n, res, `tridiagonal n = ${n}`);
    const norm = Math.max(Math.abs(dense.values[0]!), Math.abs(dense.values[n - 1]!));
    for (let j = 0; j < n; j++) {
      assert.ok(Math.abs(res.values[j]! - dense.values[j]!) <= 1e-12 * norm * Math.max(1, n / 10), `n = ${n}: λ[${j}] ${res.values[j]} vs ${dense.values[j]}`);
    }
    // Eigenvectors of well-separated eigenvalues agree (both use the same sign convention).
    for (let j = 0; j < n; j++) {
      const gap = Math.min(j > 0 ? dense.values[j]! - dense.values[j - 1]! : Infinity, j < n - 1 ? dense.values[j + 1]! - dense.values[j]! : Infinity);
      if (gap < 1e-4 * norm) continue;
      const tol = (1e-13 * norm) / gap + 1e-12;
      for (const i of [0, n - 1]) {
        assert.ok(Math.abs(res.vectors![i * n + j]! - dense.vectors![i * n + j]!) <= tol, `n = ${n}: component ${i} of vector ${j}`);
      }
    }
    const only = await tridiagonalEigen(alpha, beta, { vectors: false });
    assert.is(only.vectors, null);
    assert.equal([...only.values], [...res.values]);
  }
});

tri('Lanczos matrices with tiny off-diagonals (split into blocks)', async () => {
  const alpha = new Float64Array([1, 2, 3, 4, 5, 6]);
  const beta = new Float64Array([1e-20, 0.5, 0, 0.25, 1e-300]);
  const res = await tridiagonalEigen(alpha, beta);
  const n = 6, t = new Float64Array(n * n);
  for (let i = 0; i < n; i++) t[i * n + i] = alpha[i]!;
  for (let i = 0; i < n - 1; i++) t[i * n + i + 1] = t[(i + 1) * n + i] = beta[i]!;
  assertDecomposition(t, n, res, 'split');
});

tri('bad inputs are refused with an ArgumentError naming the argument', async () => {
  await throwsArg(() => tridiagonalEigen(new Float64Array(0), new Float64Array(0)), 'alpha', 'empty');
  await throwsArg(() => tridiagonalEigen(new Float64Array(3), new Float64Array(3)), 'beta', 'beta length');
  await throwsArg(() => tridiagonalEigen(new Float64Array(3), new Float64Array(1)), 'beta', 'beta short');
  await throwsArg(() => tridiagonalEigen([1, 2] as unknown as Float64Array, new Float64Array(1)), 'alpha', 'alpha array');
  await throwsArg(() => tridiagonalEigen(new Float64Array(2), new Float32Array(1) as unknown as Float64Array), 'beta', 'beta Float32Array');
  await throwsArg(() => tridiagonalEigen(new Float64Array([1, NaN]), new Float64Array(1)), 'alpha', 'alpha NaN');
  await throwsArg(() => tridiagonalEigen(new Float64Array(2), new Float64Array([-Infinity])), 'beta', 'beta Infinity');
  await throwsArg(() => tridiagonalEigen(new Float64Array(2), new Float64Array(1), { vectors: 'no' as unknown as boolean }), 'opts.vectors', 'opts.vectors');
});

tri.run();

const gr = suite('linalg: gram');

gr('X·Xᵀ against a plain float64 loop: float64 and float32 input, edge shapes, several column chunks', async () => {
  for (const [rows, cols] of [[1, 1], [1, 9], [2, 3], [3, 5], [4, 4], [5, 7], [6, 2], [7, 1001], [9, 64], [37, 4099], [120, 3001]] as const) {
    const r = rng(rows * 10007 + cols);
    const x64 = Float64Array.from({ length: rows * cols }, () => 2 * r() - 1);
    const x32 = Float32Array.from(x64);
    for (const x of [x64, x32]) {
      const g = await gram(x, rows, cols);
      const ref = gramRef(x, rows, cols);
      assert.is(g.length, rows * rows);
      for (let i = 0; i < rows; i++) {
        for (let j = 0; j < rows; j++) {
          assert.is(g[i * rows + j], g[j * rows + i], 'exactly symmetric');
          const bound = 2 * cols * EPS * ref.abs[i * rows + j]!;
          const err = Math.abs(g[i * rows + j]! - ref.g[i * rows + j]!);
          if (!(err <= bound)) assert.unreachable(`${rows}×${cols} ${x.constructor.name}: G[${i}][${j}] = ${g[i * rows + j]} vs ${ref.g[i * rows + j]}`);
        }
      }
    }
  }
});

gr('gram then symmetricEigen: the PCA path (S ≪ D)', async () => {
  const rows = 50, cols = 20000;
  const r = rng(99);
  const x = Float32Array.from({ length: rows * cols }, () => r() - 0.5);
  const g = await gram(x, rows, cols);
  const res = await symmetricEigen(g, rows);
  assertDecomposition(g, rows, res, 'PCA Gram');
  assert.ok(res.values[0]! > 0);
});

gr('bad inputs are refused with an ArgumentError naming the argument', async () => {
  const x = new Float64Array(6);
  await throwsArg(() => gram([1, 2] as unknown as Float64Array, 1, 2), 'x', 'array');
  await throwsArg(() => gram(new Int32Array(6) as unknown as Float64Array, 2, 3), 'x', 'Int32Array');
  await throwsArg(() => gram(x, 0, 6), 'rows', 'rows = 0');
  await throwsArg(() => gram(x, 2, 2.5), 'cols', 'cols = 2.5');
  await throwsArg(() => gram(x, 2, 4), 'x', 'length');
  await throwsArg(() => gram(new Float32Array([1, 2, 3, NaN, 5, 6]), 2, 3), 'x', 'NaN');
  await throwsArg(() => gram(new Float64Array([1, 2, Infinity, 4, 5, 6]), 2, 3), 'x', 'Infinity');
  await throwsArg(() => gram(new Float64Array([1e200, 1, 1, 1]), 2, 2), 'x', 'overflow');
});

gr.run();
