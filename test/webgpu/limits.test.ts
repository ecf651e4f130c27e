/**
 * Device limits (issue 8.3): with the limits the WebGPU backend plans with capped far below the
 * device's (engine option `limits`), every kernel splits its work into several dispatches, binds
 * sub-ranges of its buffers and keeps each grid dimension small, and must give the same bits as
 * the uncapped engine. The exceptions change a summation order, so they are checked against
 * float64 (and the uncapped engine) within a rounding bound instead: a reduction whose group count
 * the caps lower, and a gemm whose reduction dimension k is split into slabs because not even a
 * 4 × 4 block of op(A) or op(B) over all of k fits one binding.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, createEngine, type Engine, type GemmOptions } from 'dropout-sme';
import { gamma, gemmRef } from '../helpers/reference.js';
import { assertWithin } from '../helpers/compare.js';
import { testEngines } from '../helpers/engines.js';
import { randomF32 } from '../helpers/random.js';

const engines = await testEngines();
const s = suite('webgpu: forced small device limits');

/** Binding 1024 elements, 8 workgroups per dimension: splits by binding size first. */
const SMALL_BINDING = { maxComputeWorkgroupsPerDimension: 8, maxStorageBufferBindingSize: 4096 };
/** 2 workgroups per dimension, roomy bindings: splits the dispatch grids. */
const SMALL_GRID = { maxComputeWorkgroupsPerDimension: 2, maxStorageBufferBindingSize: 1 << 16 };

const f32 = (n: number, seed: number) => randomF32(n, seed);

/** Runs every kernel on `e` with inputs that exceed the caps; returns each result by name. */
async function kernelResults(e: Engine): Promise<Map<string, Float32Array | Uint32Array>> {
  const k = e.kernels, out = new Map<string, Float32Array | Uint32Array>();
  const read = async (name: string, t: ReturnType<typeof k.create>) => {
    out.set(name, await k.read(t));
    k.dispose(t);
  };
  const gemm = async (name: string, o: GemmOptions, sa: number, sb: number, sc: number) => {
    const a = k.fromArray(f32(sa, 1)), b = k.fromArray(f32(sb, 2)), c = k.fromArray(f32(sc, 3));
    k.gemm(a, b, c, o);
    k.dispose(a);
    k.dispose(b);
    await read(name, c);
  };
  // Batched, transposed A and B, beta ≠ 0: whole batch entries per piece.
  await gemm('gemm batched transA transB', { m: 30, n: 20, k: 30, batch: 6, transA: true, transB: true, beta: 0.5 }, 6 * 900, 6 * 600, 6 * 600);
  // One product larger than a binding: 64-row slabs of A and C.
  await gemm('gemm row slabs', { m: 300, n: 3, k: 5 }, 1500, 15, 900);
  // Many tiles and batch entries: grid chunks on x, y and z; B shared (stride 0), offsets.
  await gemm('gemm tiles', { m: 150, n: 130, k: 7, batch: 3, strideB: 0, offsetA: 4, strideA: 150 * 7 }, 4 + 3 * 1050, 910, 3 * 150 * 130);
  // gemm where A is C (aliased input copy).
  {
    const c = k.fromArray(f32(1600, 4));
    k.gemm(c, c, c, { m: 20, n: 20, k: 20, batch: 2, strideA: 800, strideB: 800, strideC: 800, offsetB: 400, offsetC: 400 });
    await read('gemm aliased', c);
  }
  const n = 5000;
  for (const [kind, d] of [['tanh', 0], ['sigmoid', 1], ['tanh', 2], ['relu', 0]] as const) {
    const x = k.fromArray(f32(n, 5)), y = k.create(n);
    k.activation(x, y, kind, d);
    k.dispose(x);
    await read(`activation ${kind} ${d}`, y);
  }
  {
    const x = k.fromArray(f32(n, 6)), y = k.fromArray(f32(n, 7)), o = k.create(n);
    k.axpy(0.3, x, y);
    k.scale(-1.7, x);
    k.mul(x, y, o);
    k.mul(o, y, o);
    k.mul(y, y, y);
    k.activation(x, x, 'tanh');
    k.axpy(2, x, x);
    await read('axpy/scale/mul x', x);
    await read('axpy/scale/mul y', y);
    await read('axpy/scale/mul out', o);
  }
  {
    const t = k.create(n), u = k.create(n, 'u32');
    k.fill(t, 0.25);
    k.fill(u, 7);
    await read('fill f32', t);
    await read('fill u32', u);
  }
  {
    const m = k.create(37 * 130);
    k.mask(m, { seed: 9, step: 3, layer: 1, units: 37, samples: 130, keep: 0.7, unitOffset: 5, sampleOffset: 11 });
    await read('mask', m);
  }
  // Reductions: n ≤ 4096 keeps the group count (bit-identical); 50,000 lowers it under the caps.
  for (const len of [3000, 50000]) {
    const x = k.fromArray(f32(len, 8)), y = k.fromArray(f32(len, 9)), r = k.create(3);
    k.reduce('sum', x, null, r, 0);
    k.reduce('dot', x, y, r, 1);
    k.reduce('sumsq', x, null, r, 2);
    k.dispose(x);
    k.dispose(y);
    await read(`reduce ${len}`, r);
  }
  {
    // Per-entry vectors (a batched mask) and a bias inside a longer vector, in place.
    const x = k.fromArray(f32(5 * 40 * 30, 10)), v = k.fromArray(f32(5 * 30 + 20, 11)), o = k.create(5 * 40 * 30);
    k.broadcast(x, v, o, { rows: 40, cols: 30, op: 'mul', batch: 5, vStride: 30, vOffset: 3 });
    k.broadcast(x, v, x, { rows: 200, cols: 30, op: 'add', vOffset: 7 });
    await read('broadcast mul batched', o);
    await read('broadcast add in place', x);
    k.dispose(v);
  }
  {
    const logits = k.fromArray(f32(100 * 25, 12)), t = new Float32Array(100 * 25);
    for (let r = 0; r < 100; r++) t[r * 25 + (r % 25)] = 1;
    const targets = k.fromArray(t), grad = k.create(2500), loss = k.create(100);
    k.softmaxXent(logits, targets, grad, loss, { rows: 100, cols: 25 });
    for (const x of [logits, targets]) k.dispose(x);
    await read('softmax_xent grad', grad);
    await read('softmax_xent loss', loss);
  }
  {
    const idx = Uint32Array.from({ length: 200 }, (_, i) => (i * 37) % 310); // some ≥ 300: zero rows
    const src = k.fromArray(f32(300 * 7, 13)), srcU = k.fromArray(Uint32Array.from({ length: 2100 }, (_, i) => i * 3 + 1));
    const index = k.fromArray(idx), dst = k.fromArray(f32(1400, 14)), dstU = k.create(1400, 'u32');
    k.gatherRows(src, index, dst, { rows: 200, cols: 7 });
    k.gatherRows(srcU, index, dstU, { rows: 200, cols: 7 });
    for (const x of [src, srcU, index]) k.dispose(x);
    await read('gather_rows f32', dst);
    await read('gather_rows u32', dstU);
  }
  return out;
}

/**
 * A short dropout-SGD run (mini-batches gathered on the device, tanh MLP, D = 1135 > a binding).
 * Sized so that each single matrix a gemm reads whole (op(B), and A when transposed) fits 1024
 * elements: the backend splits batch entries and row slabs, not the reduction dimension, so the
 * bits must not change.
 */
async function trainRun(e: Engine): Promise<{ params: Float32Array; losses: Float32Array }> {
  const n = 64, x = f32(n * 5, 20), y = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) y[i * 3 + (i % 3)] = 1;
  const data = e.dataset({ x, y, n, inDim: 5, outDim: 3 });
  const model = e.mlp({ sizes: [5, 30, 28, 3], keep: 0.8, seed: 3 });
  const r = await e.train(model, data, { lr: 0.1, steps: 20, batchSize: 30, seed: 4 });
  const params = await model.getParams();
  model.dispose();
  data.dispose();
  return { params, losses: r.losses };
}

type FullGemm = Required<GemmOptions>;

/**
 * Gemms whose single op(B) (or transposed A) exceeds the 1024-element binding of SMALL_BINDING.
 * `kWhole`: a block of 4 rows or columns over all of k still fits a binding (stored rows of length
 * k: 4 · 64 elements), so the backend splits only rows, columns and batch entries and the bits must
 * equal the uncapped engine's. Otherwise k is split into slabs accumulated in C.
 */
function bigGemms(): { label: string; o: FullGemm; kWhole: boolean }[] {
  const out: { label: string; o: FullGemm; kWhole: boolean }[] = [];
  const [m, n, k, batch] = [40, 64, 64, 2];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      // Odd offsets and strides take the scalar paths; multiples of 4 let pieces take vec4 paths
      // (half the cases each: every new shader variant costs SwiftShader about half a second).
      {
        const aligned = transA === transB, pad = aligned ? 4 : 0;
        out.push({
          label: `op(B) 64 × 64, transA ${transA}, transB ${transB}, ${aligned ? 'aligned' : 'odd'} offsets`,
          o: {
            m, n, k, batch, transA, transB, alpha: -1.25, beta: 0.5,
            offsetA: aligned ? 4 : 3, offsetB: aligned ? 8 : 5, offsetC: aligned ? 0 : 2,
            strideA: m * k + (aligned ? pad : 7), strideB: k * n + (aligned ? pad : 1), strideC: m * n + (aligned ? 2 * pad : 9),
          },
          kWhole: transB && !transA,
        });
      }
    }
  }
  const plain = { batch: 1, transA: false, transB: false, alpha: 1, beta: 0, offsetA: 0, offsetB: 0, offsetC: 0 };
  // A long reduction: even 4 stored rows of k = 300 exceed a binding, for A and for Bᵀ; β = 0 with C
  // full of NaN checks that only the first slab ignores C.
  out.push({ label: 'k 300, transB, beta 0', o: { ...plain, m: 8, n: 20, k: 300, transB: true, strideA: 2400, strideB: 6000, strideC: 160 }, kWhole: false });
  // Only C exceeds a binding (4 × 300): blocks of columns.
  out.push({ label: 'columns only', o: { ...plain, m: 4, n: 300, k: 3, alpha: 0.75, beta: -2, offsetB: 1, offsetC: 3, strideA: 12, strideB: 900, strideC: 1200 }, kWhole: true });
  return out;
}

async function runGemm(e: Engine, o: FullGemm, a: Float32Array, b: Float32Array, c0: Float32Array): Promise<Float32Array> {
  const k = e.kernels;
  const ta = k.fromArray(a), tb = k.fromArray(b), tc = k.fromArray(c0);
  k.gemm(ta, tb, tc, o);
  const got = (await k.read(tc)) as Float32Array;
  for (const t of [ta, tb, tc]) k.dispose(t);
  return got;
}

function sameBits(name: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  assert.is(a.length, b.length, `${name}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.unreachable(`${name}: element ${i} differs: ${a[i]} vs ${b[i]}`);
  }
}

if (engines.webgpu) {
  const full = engines.webgpu;
  const capped: [string, Engine][] = [
    ['small binding', await createEngine({ backend: 'webgpu', limits: SMALL_BINDING })],
    ['small grid', await createEngine({ backend: 'webgpu', limits: SMALL_GRID })],
  ];

  s('the caps are what the backend plans with', () => {
    const info = capped[0]![1].backendInfo.details;
    assert.is(info.plannedMaxComputeWorkgroupsPerDimension, 8);
    assert.is(info.plannedMaxStorageBufferBindingSize, 4096);
  });

  s('every kernel gives the uncapped results', async () => {
    const ref = await kernelResults(full);
    for (const [label, e] of capped) {
      const got = await kernelResults(e);
      for (const [name, r] of ref) {
        const g = got.get(name)!;
        if (name === 'reduce 50000') {
          // Both caps lower the group count (to 4 instead of 49): another summation order. Each sum must
          // be within 1e-5·Σ|terms| of float64 (the order-independent rounding bound for 50,000
          // terms summed in runs of ≤ 200 plus a 256-leaf tree is ≈ 3e-6·Σ|terms|).
          const x = f32(50000, 8), y = f32(50000, 9);
          let s64 = 0, d64 = 0, q64 = 0, sa = 0, da = 0;
          for (let i = 0; i < x.length; i++) {
            s64 += x[i]!; sa += Math.abs(x[i]!);
            d64 += x[i]! * y[i]!; da += Math.abs(x[i]! * y[i]!);
            q64 += x[i]! * x[i]!;
          }
          assert.ok(Math.abs(g[0]! - s64) <= 1e-5 * sa, `${label} ${name} sum ${g[0]} vs ${s64}`);
          assert.ok(Math.abs(g[1]! - d64) <= 1e-5 * da, `${label} ${name} dot ${g[1]} vs ${d64}`);
          assert.ok(Math.abs(g[2]! - q64) <= 1e-5 * q64, `${label} ${name} sumsq ${g[2]} vs ${q64}`);
        } else {
          sameBits(`${label}: ${name}`, g, r);
        }
      }
    }
  });

  s('a short dropout-SGD run gives the same bits', async () => {
    const ref = await trainRun(full);
    for (const [label, e] of capped) {
      const got = await trainRun(e);
      sameBits(`${label}: params`, got.params, ref.params);
      sameBits(`${label}: losses`, got.losses, ref.losses);
    }
  });

  s('gemms larger than a binding are split: bit-identical unless k is split, else within the rounding bound', async () => {
    const e = capped[0]![1];
    for (const [i, { label, o, kWhole }] of bigGemms().entries()) {
      const size = (off: number, stride: number, len: number) => off + stride * (o.batch - 1) + len;
      const a = f32(size(o.offsetA, o.strideA, o.m * o.k), 40 + i), b = f32(size(o.offsetB, o.strideB, o.k * o.n), 60 + i);
      const c0 = f32(size(o.offsetC, o.strideC, o.m * o.n) + 5, 80 + i);
      if (o.beta === 0) c0.fill(NaN);
      const got = await runGemm(e, o, a, b, c0);
      const ref = await runGemm(full, o, a, b, c0);
      const inside = new Set<number>();
      for (let bi = 0; bi < o.batch; bi++) for (let j = 0; j < o.m * o.n; j++) inside.add(o.offsetC + bi * o.strideC + j);
      for (let j = 0; j < got.length; j++) if (!inside.has(j)) assert.ok(Object.is(got[j], c0[j]), `${label}: element ${j} outside C was changed`);
      // Any order of summing the k products, the slabs (each scaled by α and added to C) and β·C0
      // puts each term through at most k + 2 roundings (kk + 1 inside a slab of kk, one per later
      // slab), so |error| ≤ γ_{k+2}·(|α|Σ|a||b| + |β||C0|) against float64; both engines meet it,
      // so they differ by at most twice that.
      const exact = gemmRef(a, b, c0, o);
      const bound = exact.magnitude.map((mag) => gamma(o.k + 2) * mag);
      assertWithin(`${label}: vs float64`, got, exact.value, bound, inside);
      if (kWhole) sameBits(`${label}: vs uncapped`, got, ref);
      else assertWithin(`${label}: vs uncapped`, got, ref, bound.map((x) => 2 * x), inside);
    }
  });

  s('a gemm whose smallest block exceeds a binding is refused, saying why', async () => {
    const k = capped[0]![1].kernels;
    // C rows of 400: any 4 rows of C span 3 · 400 + 4 > 1024 elements (B, 2 × 400, fits whole).
    const a = k.create(8 * 4), b = k.create(4 * 400), c = k.create(8 * 400);
    try {
      assert.throws(() => k.gemm(a, b, c, { m: 8, n: 400, k: 2 }), (err: Error) => err instanceof ArgumentError && /^c: expected a 4 × 4 block .* cannot be split further/.test(err.message));
      k.gemm(a, b, c, { m: 8, n: 200, k: 4 }); // rows of 200 still split
      assert.is((await k.read(c)).length, 3200);
    } finally {
      for (const t of [a, b, c]) k.dispose(t);
    }
  });

  s('tensors beyond maxBufferSize are refused with a clear error', async () => {
    const e = await createEngine({ backend: 'webgpu', limits: { maxBufferSize: 8192 } });
    try {
      assert.throws(() => e.kernels.create(3000), (err: Error) => err instanceof ArgumentError && /^size: expected at most 2048 elements \(this device's maxBufferSize\)/.test(err.message));
      assert.throws(() => e.kernels.fromArray(new Float32Array(2049)), (err: Error) => err instanceof ArgumentError && /^data\.length:/.test(err.message));
      e.kernels.dispose(e.kernels.create(2048));
    } finally {
      e.dispose();
    }
  });

  s('bad caps are refused', async () => {
    for (const limits of [{ maxStorageBufferBindingSize: 100 }, { maxComputeWorkgroupsPerDimension: 0 }, { maxBufferSize: 2.5e4 + 0.5 }, { bogus: 1 }]) {
      let err: unknown = null;
      await createEngine({ backend: 'webgpu', limits: limits as never }).then((e) => e.dispose(), (x: unknown) => { err = x; });
      assert.instance(err, ArgumentError, JSON.stringify(limits));
      assert.match((err as Error).message, /^options\.limits/);
    }
  });

  s('cleanup', () => {
    for (const [, e] of capped) e.dispose();
  });
} else {
  s('WebGPU absent: nothing to cap', () => {
    console.log(`NOTE: ${engines.missing}`);
  });
}

s('engines dispose', () => {
  engines.wasm.dispose();
  engines.webgpu?.dispose();
});
s.run();
