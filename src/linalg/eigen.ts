/**
 * Symmetric and symmetric-tridiagonal eigen-decompositions in float64 (WebAssembly, assembly/linalg-eigen.ts):
 * Householder tridiagonalisation + implicit QL with shifts (EISPACK tred2/tql2).
 *
 * Conventions: values ascending; vectors n×n row-major with column j the unit eigenvector of values[j]
 * (vectors[i*n + j] = component i), each signed so that its largest-magnitude component (the first
 * such) is positive. Input whose max|entry| lies outside [2⁻⁵⁰⁰, 2⁵⁰⁰] is scaled by an exact power of
 * two before the solve and the values scaled back, so the whole float64 range is usable without
 * overflow in intermediate quantities (entries below 2⁻¹⁰²²·max|entry| are then flushed to zero).
 */
import { ArgumentError, DropoutSmeError } from '../errors.js';
import { linalgModule, release, scratch, type LinalgExports } from './module.js';
import { checkDim, checkF64, checkFinite, checkLength, checkOptions, powerOfTwoScale } from './validate.js';

/** Eigenvalues (ascending) and eigenvectors of {@link symmetricEigen} or {@link tridiagonalEigen}. */
export interface EigenResult {
  /** Eigenvalues, ascending. */
  values: Float64Array;
  /**
   * n×n row-major; column j (vectors[i*n + j], i = 0..n−1) is the unit eigenvector of values[j].
   * Null when not requested (the overloads type it non-null unless `vectors: false` is passed literally).
   */
  vectors: Float64Array | null;
}

/** Options of {@link symmetricEigen}. */
export interface SymmetricEigenOptions {
  /** Compute eigenvectors (default true). Without them the cost is ~(4/3)n³ instead of ~9n³ flops. */
  vectors?: boolean;
  /**
   * Use (a + aᵀ)/2 instead of refusing a matrix that is not symmetric to 1e-12·max|a| (e.g. a
   * Hessian assembled from Hessian-vector products). Default false.
   */
  symmetrize?: boolean;
}

/** Options of {@link tridiagonalEigen}. */
export interface TridiagonalEigenOptions {
  /** Compute eigenvectors (default true). */
  vectors?: boolean;
}

/** Relative asymmetry tolerated without `symmetrize`: |a[i,j] − a[j,i]| ≤ SYMMETRY_TOL·max|a|. */
export const SYMMETRY_TOL = 1e-12;

/**
 * Eigen-decomposition of the symmetric n×n matrix `a` (row-major; float64).
 * A matrix whose entries a[i,j], a[j,i] differ by more than 1e-12·max|a| is refused with an
 * ArgumentError unless `symmetrize: true`, which solves for (a + aᵀ)/2. Otherwise only the upper
 * triangle (j ≥ i) is read by the solver.
 */
export function symmetricEigen(a: Float64Array, n: number, opts: SymmetricEigenOptions & { vectors: false }): Promise<EigenResult & { vectors: null }>;
export function symmetricEigen(a: Float64Array, n: number, opts?: SymmetricEigenOptions & { vectors?: true }): Promise<EigenResult & { vectors: Float64Array }>;
export function symmetricEigen(a: Float64Array, n: number, opts?: SymmetricEigenOptions): Promise<EigenResult>;
export async function symmetricEigen(a: Float64Array, n: number, opts?: SymmetricEigenOptions): Promise<EigenResult> {
  checkDim('n', n, 1);
  checkF64('a', a);
  checkLength('a', a, n * n, 'n²');
  const o = checkOptions('opts', opts, ['vectors', 'symmetrize'] as const);
  const wantVectors = o.vectors ?? true;
  checkFinite('a', a, n);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  if (!o.symmetrize) {
    const tol = SYMMETRY_TOL * m;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) {
        const diff = Math.abs(a[i * n + j]! - a[j * n + i]!);
        if (diff > tol) {
          throw new ArgumentError(
            'a',
            `a symmetric matrix (|a[i,j] − a[j,i]| ≤ ${SYMMETRY_TOL}·max|a| = ${tol}; pass { symmetrize: true } to use (a + aᵀ)/2); |a[${i},${j}] − a[${j},${i}]| is`,
            diff,
          );
        }
      }
    }
  }
  const scale = powerOfTwoScale(m);

  const k = await linalgModule();
  try {
    const cap = rotationCapacity(n, wantVectors);
    const [w, d, e, rot] = scratch(k, [8 * n * n, 8 * n, 8 * n, 8 * cap]);
    const mem = new Float64Array(k.memory.buffer);
    const W = mem.subarray(w / 8, w / 8 + n * n);
    if (o.symmetrize) {
      for (let i = 0; i < n; i++) {
        W[i * n + i] = a[i * n + i]! * scale;
        for (let j = i + 1; j < n; j++) {
          const v = 0.5 * (a[i * n + j]! * scale + a[j * n + i]! * scale);
          W[i * n + j] = v;
          W[j * n + i] = v;
        }
      }
    } else {
      for (let i = 0; i < n * n; i++) W[i] = a[i]! * scale;
    }
    const vec = wantVectors ? 1 : 0;
    k.tred2(w, d, e, n, vec);
    return finish(k, d, e, w, rot, cap, n, vec, scale);
  } finally {
    release(k);
  }
}

/**
 * Eigen-decomposition of the symmetric tridiagonal matrix with diagonal `alpha` (length n ≥ 1) and
 * off-diagonal `beta` (length n − 1) — e.g. a Lanczos matrix: values are its Ritz values, and
 * vectors[0*n + j], vectors[(n−1)*n + j] the first and last components of the j-th eigenvector.
 */
export function tridiagonalEigen(alpha: Float64Array, beta: Float64Array, opts: TridiagonalEigenOptions & { vectors: false }): Promise<EigenResult & { vectors: null }>;
export function tridiagonalEigen(alpha: Float64Array, beta: Float64Array, opts?: TridiagonalEigenOptions & { vectors?: true }): Promise<EigenResult & { vectors: Float64Array }>;
export function tridiagonalEigen(alpha: Float64Array, beta: Float64Array, opts?: TridiagonalEigenOptions): Promise<EigenResult>;
export async function tridiagonalEigen(alpha: Float64Array, beta: Float64Array, opts?: TridiagonalEigenOptions): Promise<EigenResult> {
  checkF64('alpha', alpha);
  checkF64('beta', beta);
  const n = alpha.length;
  if (n < 1) throw new ArgumentError('alpha', 'length n ≥ 1', n);
  checkLength('beta', beta, n - 1, 'n − 1');
  const o = checkOptions('opts', opts, ['vectors'] as const);
  const wantVectors = o.vectors ?? true;
  checkFinite('alpha', alpha);
  checkFinite('beta', beta);
  let m = 0;
  for (let i = 0; i < n; i++) m = Math.max(m, Math.abs(alpha[i]!));
  for (let i = 0; i < n - 1; i++) m = Math.max(m, Math.abs(beta[i]!));
  const scale = powerOfTwoScale(m);

  const k = await linalgModule();
  try {
    const cap = rotationCapacity(n, wantVectors);
    const [d, e, w, rot] = scratch(k, [8 * n, 8 * n, wantVectors ? 8 * n * n : 0, 8 * cap]);
    const mem = new Float64Array(k.memory.buffer);
    for (let i = 0; i < n; i++) mem[d / 8 + i] = alpha[i]! * scale;
    for (let i = 0; i < n - 1; i++) mem[e / 8 + i] = beta[i]! * scale;
    mem[e / 8 + n - 1] = 0;
    if (wantVectors) {
      const W = mem.subarray(w / 8, w / 8 + n * n);
      W.fill(0);
      for (let i = 0; i < n; i++) W[i * n + i] = 1;
    }
    return finish(k, d, e, w, rot, cap, n, wantVectors ? 1 : 0, scale);
  } finally {
    release(k);
  }
}

/** tql2, then values scaled back and W (rows = eigenvectors) signed and transposed into the result. */
/**
 * f64 of scratch for recorded QL rotations (applied to the vectors in batches, one pass over them per
 * batch): all of them for small n (~n² are typical), at most 16 MiB, at least one sweep (2n + 2).
 */
function rotationCapacity(n: number, vectors: boolean): number {
  return vectors ? Math.max(2 * n + 2, Math.min(1 << 21, 4 * n * n)) : 0;
}

function finish(k: LinalgExports, d: number, e: number, w: number, rot: number, cap: number, n: number, vec: number, scale: number): EigenResult {
  const rc = k.tql2(d, e, w, n, vec, rot, cap);
  if (rc !== 0) {
    throw new DropoutSmeError(`linalg: the QL iteration did not converge for eigenvalue ${-1 - rc} of ${n}`);
  }
  const mem = new Float64Array(k.memory.buffer);
  const values = mem.slice(d / 8, d / 8 + n);
  for (let i = 0; i < n; i++) values[i] = values[i]! / scale;
  if (!vec) return { values, vectors: null };
  const W = mem.subarray(w / 8, w / 8 + n * n);
  for (let j = 0; j < n; j++) {
    let best = 0, at = 0;
    for (let i = 0; i < n; i++) {
      const v = Math.abs(W[j * n + i]!);
      if (v > best) {
        best = v;
        at = i;
      }
    }
    if (W[j * n + at]! < 0) for (let i = 0; i < n; i++) W[j * n + i] = -W[j * n + i]!;
  }
  return { values, vectors: transpose(W, n) };
}

/** out[i*n + j] = W[j*n + i], in 32×32 blocks. */
function transpose(W: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  const B = 32;
  for (let j0 = 0; j0 < n; j0 += B) {
    const j1 = Math.min(n, j0 + B);
    for (let i0 = 0; i0 < n; i0 += B) {
      const i1 = Math.min(n, i0 + B);
      for (let j = j0; j < j1; j++) {
        for (let i = i0; i < i1; i++) out[i * n + j] = W[j * n + i]!;
      }
    }
  }
  return out;
}
