/**
 * The WASM gemm's special paths (assembly/gemm.ts) against the dense packed sums, which the scalar
 * build computes (the same k blocks and, per element, the same products added in the same order;
 * the dense SIMD and scalar builds agree to the bit, checked here too). For finite operands each
 * must give those sums' bits:
 *   - one A for a batch of B's (stride 0: x under several weight matrices), each block of A
 *     meeting every entry's B while in cache, more entries than one pass holds included;
 *   - zero steps: a tile skips the k steps where its A panel (4 values) or its B panel (8 values)
 *     is all zero, when that skips at least a quarter of them. Operands with 2 of 3 steps zero in
 *     every panel: the data x as op(A) (x·Wᵀ, a forward pass) and as op(B) (δᵀ·x, a weight
 *     gradient), batched with a shared operand, with α and β, on 1 and 2 threads; and a NaN in the
 *     dense operand facing nonzero data still gives NaN;
 *   - matrix-vector products, unpacked: n = 1 (Lanczos' reorthogonalisation) and m = 1 (bias
 *     gradients 1ᵀ·δ, the same product with the roles swapped), transposed or not, batched.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine, type Engine, type GemmOptions } from 'dropout-sme';
import { randomF32 } from './helpers/random.js';

const s = suite('wasm gemm: zero steps and matrix-vector paths');

/** rows × cols with values from `seed`, zero where zero(i, j). */
function sparse(rows: number, cols: number, seed: number, zero: (i: number, j: number) => boolean): Float32Array {
  const v = randomF32(rows * cols, seed);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (zero(i, j)) v[i * cols + j] = 0;
  return v;
}

interface Case { label: string; o: GemmOptions; a: Float32Array; b: Float32Array; c: Float32Array }

function cases(): Case[] {
  // x·Wᵀ: A = x (m × k, rows in panels of 4), zero at 2 of 3 steps of each panel.
  const m = 37, k = 300, n = 50;
  const xA = sparse(m, k, 1, (i, p) => (p + 7 * Math.floor(i / 4)) % 3 !== 0);
  // δᵀ·x: B = x (k × n, columns in panels of 8), zero at 2 of 3 steps of each panel.
  const kk = 600, nn = 45, mm = 50;
  const xB = sparse(kk, nn, 2, (p, j) => (p + Math.floor(j / 8)) % 3 !== 0);
  return [
    { label: 'x·Wᵀ (A sparse, 2 k blocks)', o: { m, n, k, transB: true }, a: xA, b: randomF32(n * k, 3), c: new Float32Array(m * n) },
    { label: 'δᵀ·x (B sparse, 3 k blocks), α 0.5, β −1', o: { m: mm, n: nn, k: kk, transA: true, alpha: 0.5, beta: -1 }, a: randomF32(kk * mm, 4), b: xB, c: randomF32(mm * nn, 5) },
    { label: 'batch 3 of δᵀ·x over one x (stride 0)', o: { m: mm, n: nn, k: kk, transA: true, batch: 3, strideB: 0 }, a: randomF32(3 * kk * mm, 6), b: xB, c: new Float32Array(3 * mm * nn) },
    { label: 'batch 3 of x·Wᵀ over one x (stride 0: the shared-A path)', o: { m: 300, n: 50, k, transB: true, batch: 3, strideA: 0 }, a: sparse(300, k, 17, (i, p) => (p + i) % 3 !== 0), b: randomF32(3 * n * k, 18), c: new Float32Array(3 * 300 * n) },
    { label: 'batch 40 of x·W over one x, more entries than one pass of the shared-A path holds, β 1', o: { m: 40, n: 50, k: 40, batch: 40, strideA: 0, beta: 1 }, a: randomF32(40 * 40, 19), b: randomF32(40 * 40 * 50, 20), c: randomF32(40 * 40 * 50, 21) },
    { label: 'dense (no step zero)', o: { m: 33, n: 41, k: 290, transB: true, beta: 1 }, a: randomF32(33 * 290, 7), b: randomF32(41 * 290, 8), c: randomF32(33 * 41, 9) },
    { label: 'm = 1: bias sums 1ᵀ·δ, batch 3, β 1', o: { m: 1, n: 50, k: 3000, batch: 3, strideA: 0, beta: 1 }, a: new Float32Array(3000).fill(1), b: randomF32(3 * 3000 * 50, 10), c: randomF32(3 * 50, 11) },
    { label: 'm = 1, Aᵀ and Bᵀ, α 0.5, β −1', o: { m: 1, n: 13, k: 700, transA: true, transB: true, alpha: 0.5, beta: -1 }, a: randomF32(700, 12), b: randomF32(13 * 700, 13), c: randomF32(13, 14) },
    { label: 'n = 1, Aᵀ, batch 2', o: { m: 45, n: 1, k: 700, transA: true, batch: 2 }, a: randomF32(2 * 700 * 45, 15), b: randomF32(2 * 700, 16), c: new Float32Array(2 * 45) },
  ];
}

async function run(e: Engine, c: Case): Promise<Float32Array> {
  const k = e.kernels, ta = k.fromArray(c.a), tb = k.fromArray(c.b), tc = k.fromArray(c.c);
  k.gemm(ta, tb, tc, c.o);
  const got = (await k.read(tc)) as Float32Array;
  for (const t of [ta, tb, tc]) k.dispose(t);
  return got;
}

function sameBits(label: string, got: Float32Array, want: Float32Array): void {
  assert.is(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], want[i])) assert.unreachable(`${label}: element ${i} is ${got[i]}, the dense sum ${want[i]}`);
  }
}

s('zero steps and matrix-vector paths give the dense sums to the bit (SIMD vs the scalar build), 1 and 2 threads', async () => {
  const scalar = await createEngine({ backend: 'wasm', simd: 'scalar', threads: 1 });
  const simd = [await createEngine({ backend: 'wasm', simd: 'simd', threads: 1 }), await createEngine({ backend: 'wasm', simd: 'simd', threads: 2 })];
  try {
    for (const c of cases()) {
      const want = await run(scalar, c);
      for (const e of simd) sameBits(`${c.label}, ${e.backendInfo.description}`, await run(e, c), want);
    }
  } finally {
    for (const e of [scalar, ...simd]) e.dispose();
  }
});

/**
 * Read-only operands (the data x) are packed once into the gemm's panels and read from there
 * (src/wasm/gemm-packs.ts): every case gives the bits of the same call on a writable copy, on the
 * SIMD build with 1 and 2 threads (row, column and batch splits start mid-operand) and on the
 * scalar build, and a second call (reading the kept panels) gives them again.
 */
s('read-only operands, read from their packed panels, give the bits of a writable copy', async () => {
  const xA = sparse(300, 300, 20, (i, p) => (p + i) % 3 !== 0);
  const xB = sparse(600, 200, 21, (p, j) => (p * 7 + j) % 4 !== 0);
  // [label, options, which operands are read-only, a, b, c]
  const ro: Array<[string, GemmOptions, 'a' | 'b' | 'ab', Float32Array, Float32Array, Float32Array]> = [
    ['x·Wᵀ, x read-only (row split)', { m: 300, n: 50, k: 300, transB: true }, 'a', xA, randomF32(50 * 300, 22), new Float32Array(300 * 50)],
    ['op(A) = xᵀ read-only, k 2 blocks, α 0.5, β −1', { m: 37, n: 45, k: 300, transA: true, alpha: 0.5, beta: -1 }, 'a', xA.subarray(0, 300 * 37), randomF32(300 * 45, 23), randomF32(37 * 45, 24)],
    ['δᵀ·x, x read-only (column split)', { m: 20, n: 200, k: 600, transA: true }, 'b', randomF32(600 * 20, 25), xB, new Float32Array(20 * 200)],
    ['δᵀ·x, x read-only (row split), offsets', { m: 50, n: 45, k: 600, transA: true, offsetA: 3, offsetB: 5 }, 'b', randomF32(600 * 50 + 3, 26), xB, new Float32Array(50 * 45)],
    ['W·xᵀ: op(B) = xᵀ read-only', { m: 33, n: 150, k: 300, transB: true, beta: 1 }, 'b', randomF32(33 * 300, 27), xA, randomF32(33 * 150, 28)],
    ['batch 3 of δᵀ·x over one read-only x', { m: 50, n: 200, k: 600, transA: true, batch: 3, strideB: 0 }, 'b', randomF32(3 * 600 * 50, 29), xB, new Float32Array(3 * 50 * 200)],
    ['batch 4 of x·Wᵀ over one read-only x (batch split)', { m: 300, n: 40, k: 300, transB: true, batch: 4, strideA: 0 }, 'a', xA, randomF32(4 * 40 * 300, 30), new Float32Array(4 * 300 * 40)],
    ['batch 2 with both read-only, entries apart (not packed)', { m: 40, n: 24, k: 300, batch: 2, strideA: 40 * 300, strideB: 300 * 24 }, 'ab', randomF32(2 * 40 * 300, 31), randomF32(2 * 300 * 24, 32), new Float32Array(2 * 40 * 24)],
    ['both read-only', { m: 300, n: 150, k: 300, transB: true }, 'ab', xA, xA, new Float32Array(300 * 150)],
  ];
  const engines = [
    await createEngine({ backend: 'wasm', simd: 'simd', threads: 1 }),
    await createEngine({ backend: 'wasm', simd: 'simd', threads: 2 }),
    await createEngine({ backend: 'wasm', simd: 'scalar', threads: 1 }),
  ];
  try {
    for (const e of engines) {
      const k = e.kernels;
      for (const [label, o, which, a, b, c] of ro) {
        const want = await run(e, { label, o, a, b, c });
        const ta = k.fromArray(a, { readOnly: which !== 'b' }), tb = k.fromArray(b, { readOnly: which !== 'a' });
        for (const call of ['first call', 'second call']) {
          const tc = k.fromArray(c);
          k.gemm(ta, tb, tc, o);
          sameBits(`${label}, ${call}, ${e.backendInfo.description}`, (await k.read(tc)) as Float32Array, want);
          k.dispose(tc);
        }
        k.dispose(ta);
        k.dispose(tb);
      }
    }
  } finally {
    for (const e of engines) e.dispose();
  }
});

s('a NaN in the dense operand facing nonzero data still gives NaN', async () => {
  const e = await createEngine({ backend: 'wasm', simd: 'simd', threads: 1 });
  try {
    const c = cases()[0]!;
    const w = Float32Array.from(c.b);
    // Row j = 3 of W meets step p = 0 of every A panel; panel 0's step 0 is nonzero ((0 + 0) % 3 = 0).
    w[3 * c.o.k + 0] = NaN;
    const got = await run(e, { ...c, b: w });
    assert.ok(Number.isNaN(got[0 * c.o.n + 3]!), 'row 0, column 3: NaN');
  } finally {
    e.dispose();
  }
});

s.run();
