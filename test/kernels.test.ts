/**
 * Every primitive of every present backend against a float64 reference (test/helpers/reference.ts).
 * Tolerances are worst-case rounding bounds, not fitted constants:
 * - gemm, reduce: γ_{K+2}·(|α||A||B| + |β||C|), γ_n = n·u/(1−n·u), u = 2^-24 — the bound for any
 *   summation order, so it holds for tiled, SIMD and pairwise orders alike.
 * - tanh/sigmoid and their derivatives: 4u·|σ| + 4u. Both backends evaluate them through exp in
 *   f32 (a few ulp of results of order one); an absolute 4 ulp of 1 is below a GEMM's own rounding.
 * - relu, identity, their derivatives and masks: exact.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIVATIONS, counterHash, maskValue, type Engine } from 'dropout-sme';
import { activationRef, gamma, gemmRef, reduceRef, U32 } from './helpers/reference.js';
import { gemmCases, gemmSizes } from './helpers/cases.js';
import { randomF32 } from './helpers/random.js';
import { assertWithin } from './helpers/compare.js';
import { present, testEngines, webgpuRequired } from './helpers/engines.js';

const engines = await testEngines();

const presence = suite('WebGPU presence');
presence('a WebGPU adapter exists where one is required (CI)', () => {
  if (webgpuRequired()) assert.is(engines.missing, null, `WebGPU required but absent: ${engines.missing}`);
  assert.is(engines.wasm.backend, 'wasm');
});
presence.run();

for (const engine of present(engines)) defineKernelSuite(engine);

function defineKernelSuite(engine: Engine): void {
  const k = engine.kernels;
  const s = suite(`${engine.backend} kernels vs float64 reference`);

  s('gemm: edge shapes, transposes, batches, K up to 4096', async () => {
    for (const [ci, c] of gemmCases(11, 10).entries()) {
      const sz = gemmSizes(c);
      const a = randomF32(sz.a, 100 + ci), b = randomF32(sz.b, 200 + ci);
      const c0 = randomF32(sz.c, 300 + ci);
      if (c.beta === 0) c0.fill(NaN); // β = 0 must ignore C entirely
      const ta = k.fromArray(a), tb = k.fromArray(b), tc = k.fromArray(c0);
      k.gemm(ta, tb, tc, c);
      const got = (await k.read(tc)) as Float32Array;
      const ref = gemmRef(a, b, c0, c);
      const bound = ref.magnitude.map((mag) => gamma(c.k + 2) * mag);
      // Elements outside every batch entry must be untouched.
      const inside = new Set<number>();
      for (let bi = 0; bi < c.batch; bi++) for (let i = 0; i < c.m * c.n; i++) inside.add(c.offsetC + bi * c.strideC + i);
      assertWithin(`gemm ${c.label}`, got, ref.value, bound, inside);
      for (let i = 0; i < got.length; i++) if (!inside.has(i)) assert.ok(Object.is(got[i], c0[i]) || (Number.isNaN(got[i]) && Number.isNaN(c0[i])), `gemm ${c.label}: element ${i} outside C was changed`);
      for (const t of [ta, tb, tc]) k.dispose(t);
    }
  });

  s('activation forward and derivative', async () => {
    const x = new Float32Array([...randomF32(2000, 5, 6), 0, -0, 1e-3, -1e-3, 1e-8, 20, -20, 90, -90, 1e4, -1e4]);
    const tx = k.fromArray(x), ty = k.create(x.length);
    for (const kind of ACTIVATIONS) {
      for (const derivative of [0, 1, 2] as const) {
        k.activation(tx, ty, kind, derivative);
        const got = (await k.read(ty)) as Float32Array;
        const want = Array.from(x, (v) => activationRef(kind, v, derivative));
        const smooth = kind === 'tanh' || kind === 'sigmoid';
        const bound = want.map((w) => (smooth ? 4 * U32 * Math.abs(w) + 4 * U32 : 0));
        assertWithin(`${kind}${"'".repeat(derivative)}`, got, want, bound);
      }
    }
    // In place (y aliases x).
    const tz = k.fromArray(x);
    k.activation(tz, tz, 'relu');
    assertWithin('relu in place', (await k.read(tz)) as Float32Array, Array.from(x, (v) => Math.max(0, v)), 0);
    for (const t of [tx, ty, tz]) k.dispose(t);
  });

  s('axpy, scale, mul (also aliased), fill, copy', async () => {
    const n = 1037;
    const x = randomF32(n, 1), y = randomF32(n, 2);
    const tx = k.fromArray(x), ty = k.fromArray(y), tout = k.create(n);
    const alpha = Math.fround(-0.375);
    k.axpy(alpha, tx, ty);
    assertWithin('axpy', (await k.read(ty)) as Float32Array, Array.from(x, (v, i) => alpha * v + y[i]!), Array.from(x, (v, i) => gamma(2) * (Math.abs(alpha * v) + Math.abs(y[i]!))));
    k.scale(alpha, tx);
    assertWithin('scale', (await k.read(tx)) as Float32Array, Array.from(x, (v) => alpha * v), Array.from(x, (v) => U32 * Math.abs(alpha * v)));
    k.write(tx, x);
    k.write(ty, y);
    k.mul(tx, ty, tout);
    assertWithin('mul', (await k.read(tout)) as Float32Array, Array.from(x, (v, i) => v * y[i]!), Array.from(x, (v, i) => U32 * Math.abs(v * y[i]!)));
    k.mul(tx, ty, tx);
    assertWithin('mul aliased', (await k.read(tx)) as Float32Array, Array.from(x, (v, i) => v * y[i]!), Array.from(x, (v, i) => U32 * Math.abs(v * y[i]!)));
    k.fill(tout, 2.5);
    assert.ok(((await k.read(tout)) as Float32Array).every((v) => v === 2.5), 'fill');
    k.copy(ty, tout, 10, 20, 100);
    const copied = (await k.read(tout, 20, 100)) as Float32Array;
    assertWithin('copy', copied, y.subarray(10, 110), 0);
    assert.is(((await k.read(tout, 0, 20)) as Float32Array)[19], 2.5, 'copy left elements before dstOffset alone');
    for (const t of [tx, ty, tout]) k.dispose(t);
  });

  s('reductions sum, dot, sumsq, fixed order', async () => {
    for (const n of [1, 2, 3, 255, 256, 257, 1000, 65537, 1 << 20]) {
      const x = randomF32(n, n), y = randomF32(n, n + 1);
      const tx = k.fromArray(x), ty = k.fromArray(y), out = k.create(3);
      k.reduce('sum', tx, null, out, 0);
      k.reduce('dot', tx, ty, out, 1);
      k.reduce('sumsq', tx, null, out, 2);
      const got = (await k.read(out)) as Float32Array;
      for (const [i, op] of (['sum', 'dot', 'sumsq'] as const).entries()) {
        const r = reduceRef(op, x, y);
        assertWithin(`${op} n=${n}`, [got[i]!], [r.value], gamma(n + 1) * r.magnitude);
      }
      // A rerun gives the same bits.
      k.reduce('sum', tx, null, out, 0);
      const again = (await k.read(out)) as Float32Array;
      assert.ok(Object.is(again[0], got[0]), `sum n=${n} not reproducible: ${got[0]} then ${again[0]}`);
      for (const t of [tx, ty, out]) k.dispose(t);
    }
  });

  s('mask matches the counter-hash reference bit for bit', async () => {
    for (const [keep, units, samples, seed, step, layer] of [[0.9, 50, 37, 1, 0, 0], [0.5, 1, 1, 0, 7, 3], [1, 64, 8, 5, 5, 1], [0.1, 333, 3, 0xffffffff, 0xfffffffe, 2], [1e-6, 100, 10, 9, 1, 0],
      // A layer at or above 2³¹: a stream tag (src/random/streams.ts), as the Hutchinson probes draw.
      [0.5, 40, 2, 3, 9, 0xfffffffe]] as const) {
      const opts = { keep, units, samples, seed, step, layer, unitOffset: 3, sampleOffset: 11 };
      const out = k.create(units * samples);
      k.mask(out, opts);
      const got = (await k.read(out)) as Float32Array;
      const inv = Math.fround(1 / keep), thr = Math.floor(keep * 2 ** 31);
      const want = new Float32Array(units * samples);
      for (let s = 0; s < samples; s++) for (let u = 0; u < units; u++) want[s * units + u] = maskValue(counterHash(seed, step, layer, u + 3, s + 11), thr, inv);
      assertWithin(`mask keep=${keep}`, got, want, 0);
      if (keep === 1) assert.ok(got.every((v) => v === 1), 'keep = 1 keeps every unit with value 1');
      k.dispose(out);
    }
  });

  s('mask keep rate within 4 standard errors on 10^6 draws', async () => {
    const units = 1000, samples = 1000, n = units * samples;
    const out = k.create(n);
    for (const p of [0.01, 0.5, 0.9]) {
      k.mask(out, { keep: p, units, samples, seed: 42, step: 3, layer: 1 });
      const got = (await k.read(out)) as Float32Array;
      let kept = 0;
      for (let i = 0; i < n; i++) if (got[i] !== 0) kept++;
      const rate = kept / n, se = Math.sqrt((p * (1 - p)) / n);
      assert.ok(Math.abs(rate - p) <= 4 * se, `keep=${p}: rate ${rate} vs ${p} ± ${4 * se}`);
    }
    k.dispose(out);
  });

  s('broadcast add/mul (offset vector, in place), softmax cross-entropy, gather rows', async () => {
    const rows = 37, cols = 13;
    const x = randomF32(rows * cols, 61), v = randomF32(cols + 5, 62);
    const tx = k.fromArray(x), tv = k.fromArray(v), out = k.create(rows * cols);
    for (const op of ['add', 'mul'] as const) {
      k.broadcast(tx, tv, out, { rows, cols, op, vOffset: 5 });
      const want = Array.from(x, (a, i) => (op === 'add' ? a + v[5 + (i % cols)]! : a * v[5 + (i % cols)]!));
      // One f32 rounding of the exact result.
      assertWithin(`broadcast ${op}`, (await k.read(out)) as Float32Array, want, want.map((w) => U32 * Math.abs(w)));
    }
    // Batched: 3 matrices of 5 × cols, each with its own vector (vStride = cols + 1, from vOffset 2).
    const vb = randomF32(2 + 2 * (cols + 1) + cols, 64), tvb = k.fromArray(vb), ob = k.create(15 * cols);
    k.broadcast(tx, tvb, ob, { rows: 5, cols, op: 'mul', batch: 3, vOffset: 2, vStride: cols + 1 });
    const wantB = Array.from({ length: 15 * cols }, (_, i) => x[i]! * vb[2 + Math.floor(i / (5 * cols)) * (cols + 1) + (i % cols)]!);
    assertWithin('broadcast batched', (await k.read(ob)) as Float32Array, wantB, wantB.map((w) => U32 * Math.abs(w)));
    k.dispose(tvb);
    k.dispose(ob);
    k.broadcast(tx, tv, tx, { rows, cols, op: 'mul' });
    assertWithin('broadcast in place', (await k.read(tx)) as Float32Array, Array.from(x, (a, i) => a * v[i % cols]!), Array.from(x, (a, i) => U32 * Math.abs(a * v[i % cols]!)));

    // Softmax cross-entropy on logits up to ±40 (exp would overflow without the max shift).
    const logits = randomF32(rows * cols, 63, 40), t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) t[r * cols + (r % cols)] = 1;
    const tl = k.fromArray(logits), tt = k.fromArray(t), grad = k.create(rows * cols), loss = k.create(rows);
    k.softmaxXent(tl, tt, grad, loss, { rows, cols });
    const wantGrad = new Float64Array(rows * cols), wantLoss = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      const row = Array.from(logits.subarray(r * cols, (r + 1) * cols));
      const mx = Math.max(...row), z = row.reduce((a, l) => a + Math.exp(l - mx), 0);
      row.forEach((l, c) => { wantGrad[r * cols + c] = Math.exp(l - mx) / z - t[r * cols + c]!; });
      wantLoss[r] = -(row[r % cols]! - mx - Math.log(z));
    }
    // exp/log in f32 (WGSL allows a few ulp, growing with |x| ≤ 80 here): 64u absolute on
    // probabilities, and 64u relative plus 64u·80 absolute on the loss (log-sum-exp of values ≤ 80).
    assertWithin('softmax grad', (await k.read(grad)) as Float32Array, wantGrad, 64 * U32);
    assertWithin('softmax loss', (await k.read(loss)) as Float32Array, wantLoss, Array.from(wantLoss, (l) => 64 * U32 * (Math.abs(l) + 80)));

    const index = k.fromArray(new Uint32Array([4, 0, 36, 4, 999]));
    const g = k.create(5 * cols);
    k.gatherRows(tx, index, g, { rows: 5, cols });
    const xs = (await k.read(tx)) as Float32Array;
    const wantRows = [4, 0, 36, 4].flatMap((j) => Array.from(xs.subarray(j * cols, (j + 1) * cols)));
    assertWithin('gather rows', (await k.read(g)) as Float32Array, [...wantRows, ...new Array(cols).fill(0)], 0);
    for (const tt2 of [tx, tv, out, tl, tt, grad, loss, index, g]) k.dispose(tt2);
  });

  s.after(() => engine.dispose());
  s.run();
}
