/** GEMM shapes shared by the reference tests and the cross-check suite. */
import type { GemmOptions } from 'dropout-sme';
import { randInt, rng } from './random.js';

export type GemmCase = Required<GemmOptions> & { label: string };

function full(o: GemmOptions & { label?: string }): GemmCase {
  const m = o.m, n = o.n, k = o.k, batch = o.batch ?? 1;
  const c: Required<GemmOptions> = {
    m, n, k, batch,
    transA: !!o.transA, transB: !!o.transB,
    alpha: Math.fround(o.alpha ?? 1), beta: Math.fround(o.beta ?? 0),
    strideA: o.strideA ?? m * k, strideB: o.strideB ?? k * n, strideC: o.strideC ?? m * n,
    offsetA: o.offsetA ?? 0, offsetB: o.offsetB ?? 0, offsetC: o.offsetC ?? 0,
  };
  const label = o.label ?? `${batch}×(${m}×${k}${c.transA ? 'ᵀ' : ''})·(${k}×${n}${c.transB ? 'ᵀ' : ''}) α=${c.alpha} β=${c.beta}`;
  return { ...c, label };
}

/** Hand-picked edge shapes plus seeded random ones (odd sizes, transposes, batches, K ≤ 4096). */
export function gemmCases(seed = 7, randomCount = 12): GemmCase[] {
  const cases: GemmCase[] = [
    full({ m: 1, n: 1, k: 1 }),
    full({ m: 7, n: 13, k: 5 }),
    full({ m: 65, n: 33, k: 129, alpha: 0.75 }),
    full({ m: 3, n: 5, k: 4096 }),
    full({ m: 1, n: 17, k: 4096, transA: true }),
    full({ m: 64, n: 64, k: 64, transA: true, transB: true }),
    full({ m: 31, n: 9, k: 70, transB: true, alpha: -1.5, beta: 0.5 }),
    full({ m: 5, n: 6, k: 7, batch: 3, strideB: 0, label: 'batch 3, B broadcast (stride 0)' }),
    // WASM packs a broadcast B once per block for all entries: several k blocks (256 deep) and both B layouts.
    full({ m: 37, n: 21, k: 600, batch: 3, strideB: 0, transA: true, beta: 0.5, label: 'batch 3, B broadcast over 3 k blocks, Aᵀ, β 0.5' }),
    full({ m: 6, n: 45, k: 520, batch: 4, strideB: 0, transB: true, alpha: -0.5, label: 'batch 4, Bᵀ broadcast over 3 k blocks, α −0.5' }),
    full({ m: 4, n: 8, k: 16, batch: 4, transA: true, beta: 1, label: 'batch 4, Aᵀ, β=1 accumulate' }),
    full({ m: 9, n: 10, k: 11, offsetA: 3, offsetB: 5, offsetC: 7, label: 'element offsets 3/5/7' }),
    // n = 1 runs WASM's unpacked matrix-vector path: rows not a multiple of 4, several k blocks.
    full({ m: 43, n: 1, k: 1000, alpha: 0.5, beta: 0.25, label: 'gemv: 43 rows over 4 k blocks, α 0.5, β 0.25' }),
    full({ m: 41, n: 1, k: 777, transA: true, beta: 1, label: 'gemv: Aᵀ (a Lanczos projection), β 1' }),
    full({ m: 6, n: 1, k: 300, transB: true, batch: 2, offsetC: 1, label: 'gemv: Bᵀ, batch 2, C offset 1' }),
    // WebGPU runs these by split-K (few output tiles, long k): slabs side by side, then a reduction gemm.
    full({ m: 50, n: 52, k: 10003, transA: true, label: 'split-K: Aᵀ 50×52 over k 10003 (a weight gradient; slab remainder)' }),
    full({ m: 12, n: 8, k: 3001, batch: 3, transB: true, alpha: 0.5, beta: -1, offsetA: 1, offsetC: 4, label: 'split-K: batch 3, Bᵀ, α 0.5, β −1, offsets' }),
  ];
  const r = rng(seed);
  for (let i = 0; i < randomCount; i++) {
    const k = r() < 0.25 ? randInt(r, 1000, 4096) : randInt(r, 1, 200);
    const small = k > 1000;
    cases.push(full({
      m: randInt(r, 1, small ? 24 : 150), n: randInt(r, 1, small ? 24 : 150), k,
      batch: r() < 0.3 ? randInt(r, 2, 4) : 1,
      transA: r() < 0.5, transB: r() < 0.5,
      alpha: r() < 0.5 ? 1 : 2 * r() - 1, beta: r() < 0.6 ? 0 : 2 * r() - 1,
    }));
  }
  return cases;
}

/** Sizes of the A, B, C tensors a case needs. */
export function gemmSizes(c: GemmCase): { a: number; b: number; c: number } {
  return {
    a: c.offsetA + c.strideA * (c.batch - 1) + c.m * c.k,
    b: c.offsetB + c.strideB * (c.batch - 1) + c.k * c.n,
    c: c.offsetC + c.strideC * (c.batch - 1) + c.m * c.n,
  };
}
