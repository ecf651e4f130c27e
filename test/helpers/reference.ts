/**
 * Float64 references for every primitive, written plainly (no blocking, no SIMD) so they share
 * nothing with the kernels they check. Each also returns the magnitude needed for an error bound.
 */
import type { Activation, GemmOptions, ReduceOp } from 'dropout-sme';

/** Unit roundoff of f32. */
export const U32 = 2 ** -24;

/** γ_n = n·u / (1 − n·u): the worst-case relative error of any n-term f32 sum or dot product. */
export function gamma(n: number): number {
  return (n * U32) / (1 - n * U32);
}

export interface GemmRef {
  /** Exact (float64) result for every batch entry, laid out like C. */
  value: Float64Array;
  /** |α|·|op(A)||op(B)| + |β|·|C0| per element: the scale the error bound multiplies. */
  magnitude: Float64Array;
}

/** C = α op(A) op(B) + β C0 in float64, batch entries laid out with their strides inside `c0`. */
export function gemmRef(a: Float32Array, b: Float32Array, c0: Float32Array, o: Required<GemmOptions>): GemmRef {
  const value = Float64Array.from(c0);
  const magnitude = new Float64Array(c0.length);
  const alpha = Math.fround(o.alpha), beta = Math.fround(o.beta);
  for (let bi = 0; bi < o.batch; bi++) {
    const oa = o.offsetA + bi * o.strideA, ob = o.offsetB + bi * o.strideB, oc = o.offsetC + bi * o.strideC;
    for (let i = 0; i < o.m; i++) {
      for (let j = 0; j < o.n; j++) {
        let s = 0, mag = 0;
        for (let p = 0; p < o.k; p++) {
          const av = o.transA ? a[oa + p * o.m + i]! : a[oa + i * o.k + p]!;
          const bv = o.transB ? b[ob + j * o.k + p]! : b[ob + p * o.n + j]!;
          s += av * bv;
          mag += Math.abs(av * bv);
        }
        const idx = oc + i * o.n + j;
        const prev = beta === 0 ? 0 : beta * c0[idx]!;
        value[idx] = alpha * s + prev;
        magnitude[idx] = Math.abs(alpha) * mag + (beta === 0 ? 0 : Math.abs(prev));
      }
    }
  }
  return { value, magnitude };
}

export function activationRef(kind: Activation, x: number, derivative: boolean | 0 | 1 | 2): number {
  const order = derivative === true ? 1 : derivative === false ? 0 : derivative;
  switch (kind) {
    case 'tanh': {
      const t = Math.tanh(x);
      return order === 0 ? t : order === 1 ? 1 - t * t : -2 * t * (1 - t * t);
    }
    case 'sigmoid': {
      const s = 1 / (1 + Math.exp(-x));
      return order === 0 ? s : order === 1 ? s * (1 - s) : s * (1 - s) * (1 - 2 * s);
    }
    case 'relu':
      return order === 0 ? Math.max(0, x) : order === 1 ? (x > 0 ? 1 : 0) : 0;
    case 'identity':
      return order === 0 ? x : order === 1 ? 1 : 0;
  }
}

/** Exact reduction and Σ|terms| (the scale of the γ_n bound). */
export function reduceRef(op: ReduceOp, x: Float32Array, y?: Float32Array): { value: number; magnitude: number } {
  let value = 0, magnitude = 0;
  for (let i = 0; i < x.length; i++) {
    const t = op === 'sum' ? x[i]! : op === 'dot' ? x[i]! * y![i]! : x[i]! * x[i]!;
    value += t;
    magnitude += Math.abs(t);
  }
  return { value, magnitude };
}
