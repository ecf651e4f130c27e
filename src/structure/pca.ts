/**
 * PCA of S samples of θ (or of gradients) in D dimensions (docs/math.md §6), through the S × S Gram
 * matrix of the centred samples when S ≪ D: Xc Xcᵀ = U Λ Uᵀ gives variances σ_i² = λ_i/(S − 1)
 * and unit directions v_i = Xcᵀ u_i / √λ_i. Float64 throughout (linalg's WebAssembly module).
 */
import { checkInt, checkVector } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { gram, symmetricEigen } from '../linalg/index.js';

/** Principal components of S samples in D dimensions (float64). */
export interface Pca {
  mean: Float64Array;
  /** Variances σ_i², descending. */
  variances: Float64Array;
  /** K × D, row i the unit direction of variances[i]. */
  components: Float64Array;
  k: number;
  d: number;
}

/**
 * PCA of S samples (S × D row-major) through the S × S Gram matrix: the top k variances and unit
 * directions (docs/math.md §6.2). Throws an ArgumentError for S < 2, k outside [1, S − 1] or
 * non-finite samples.
 */
export async function pca(samples: Float32Array | Float64Array, s: number, d: number, k = Math.min(s - 1, 50)): Promise<Pca> {
  if (!Number.isInteger(s) || s < 2) throw new ArgumentError('s', 'at least 2 samples (an integer)', s);
  checkInt('d', d, 1);
  if (!(samples instanceof Float32Array || samples instanceof Float64Array)) throw new ArgumentError('samples', 'a Float32Array or Float64Array', samples);
  checkVector('samples', samples, s * d);
  if (!Number.isInteger(k) || k < 1 || k > s - 1) throw new ArgumentError('k', `an integer in [1, ${s - 1}]`, k);
  const mean = new Float64Array(d);
  for (let i = 0; i < s; i++) for (let j = 0; j < d; j++) mean[j]! += samples[i * d + j]! / s;
  const xc = new Float64Array(s * d);
  for (let i = 0; i < s; i++) for (let j = 0; j < d; j++) xc[i * d + j] = samples[i * d + j]! - mean[j]!;
  const g = await gram(xc, s, d);
  const eig = await symmetricEigen(g, s, { symmetrize: true });
  const variances = new Float64Array(k), components = new Float64Array(k * d);
  for (let c = 0; c < k; c++) {
    const col = s - 1 - c; // ascending eigenvalues: take from the top
    const lambda = Math.max(eig.values[col]!, 0);
    variances[c] = lambda / (s - 1);
    if (lambda <= 0) continue;
    const inv = 1 / Math.sqrt(lambda);
    for (let i = 0; i < s; i++) {
      const u = eig.vectors[i * s + col]! * inv;
      if (u === 0) continue;
      for (let j = 0; j < d; j++) components[c * d + j]! += u * xc[i * d + j]!;
    }
  }
  return { mean, variances, components, k, d };
}
