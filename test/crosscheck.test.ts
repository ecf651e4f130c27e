/**
 * The WASM-vs-WebGPU cross-check: the same inputs through both backends, compared with each other.
 * Runs in Node (Dawn on SwiftShader), Deno (wgpu on lavapipe) and Chromium (SwiftShader, through
 * the dist ESM bundle). Where WebGPU is required (CI) and absent, the first test fails.
 *
 * Tolerances: each backend is within γ_{K+2}·(|α||A||B| + |β||C|) of the exact result (the
 * worst-case bound for any summation order), so the two differ by at most twice that. Masks are
 * compared bit for bit: both sides run the same integer hash.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIVATIONS, type Backend } from 'dropout-sme';
import { gamma, gemmRef, reduceRef, U32 } from './helpers/reference.js';
import { gemmCases, gemmSizes } from './helpers/cases.js';
import { randomF32 } from './helpers/random.js';
import { assertBitIdentical, assertWithin } from './helpers/compare.js';
import { runtimeName, testEngines, webgpuRequired } from './helpers/engines.js';

const engines = await testEngines();
const s = suite(`cross-check WASM vs WebGPU (${runtimeName()})`);

s('WebGPU is present (required in CI; elsewhere its absence is reported)', () => {
  if (webgpuRequired()) assert.ok(engines.webgpu, `WebGPU required but absent: ${engines.missing}`);
  if (engines.webgpu) assert.is(engines.webgpu.backend, 'webgpu');
});

if (engines.webgpu) {
  const w = engines.wasm.kernels, g = engines.webgpu.kernels;

  /** Runs `body` on both backends and returns the two results. */
  const both = async <T>(body: (k: Backend) => Promise<T>): Promise<[T, T]> => [await body(w), await body(g)];

  s('gemm over random shapes (odd sizes, transposes, batch > 1, K up to 4096)', async () => {
    for (const [ci, c] of gemmCases(23, 24).entries()) {
      const sz = gemmSizes(c);
      const a = randomF32(sz.a, 1000 + ci), b = randomF32(sz.b, 2000 + ci), c0 = randomF32(sz.c, 3000 + ci);
      const [rw, rg] = await both(async (k) => {
        const ta = k.fromArray(a), tb = k.fromArray(b), tc = k.fromArray(c0);
        k.gemm(ta, tb, tc, c);
        const out = (await k.read(tc)) as Float32Array;
        for (const t of [ta, tb, tc]) k.dispose(t);
        return out;
      });
      const mag = gemmRef(a, b, c0, c).magnitude;
      assertWithin(`gemm ${c.label}: webgpu vs wasm`, rg, rw, Array.from(mag, (v) => 2 * gamma(c.k + 2) * v));
    }
  });

  s('activations agree (4u·|σ| + 4u on each side)', async () => {
    const x = randomF32(4099, 77, 8);
    for (const kind of ACTIVATIONS) {
      for (const derivative of [0, 1, 2] as const) {
        const [rw, rg] = await both(async (k) => {
          const tx = k.fromArray(x), ty = k.create(x.length);
          k.activation(tx, ty, kind, derivative);
          const out = (await k.read(ty)) as Float32Array;
          k.dispose(tx); k.dispose(ty);
          return out;
        });
        assertWithin(`${kind}${"'".repeat(derivative)}`, rg, rw, Array.from(rw, (v) => 2 * (4 * U32 * Math.abs(v) + 4 * U32)));
      }
    }
  });

  s('reductions agree within 2·γ_{n+1}·Σ|terms|', async () => {
    for (const n of [1, 17, 4096, 100003]) {
      const x = randomF32(n, 5 * n), y = randomF32(n, 5 * n + 1);
      const [rw, rg] = await both(async (k) => {
        const tx = k.fromArray(x), ty = k.fromArray(y), out = k.create(3);
        k.reduce('sum', tx, null, out, 0);
        k.reduce('dot', tx, ty, out, 1);
        k.reduce('sumsq', tx, null, out, 2);
        const r = (await k.read(out)) as Float32Array;
        for (const t of [tx, ty, out]) k.dispose(t);
        return r;
      });
      (['sum', 'dot', 'sumsq'] as const).forEach((op, i) => {
        assertWithin(`${op} n=${n}`, [rg[i]!], [rw[i]!], 2 * gamma(n + 1) * reduceRef(op, x, y).magnitude);
      });
    }
  });

  s('masks are bit-identical (keep 1, keep near 0, typical keeps, offsets)', async () => {
    const settings = [
      { keep: 1, units: 50, samples: 20, seed: 3, step: 0, layer: 0 },
      { keep: 1e-4, units: 1000, samples: 100, seed: 4, step: 9, layer: 2 },
      { keep: 0.1, units: 784, samples: 13, seed: 0xdeadbeef, step: 123456, layer: 1, unitOffset: 5, sampleOffset: 1000 },
      { keep: 0.9, units: 1000, samples: 1000, seed: 1, step: 2, layer: 3 },
    ];
    for (const opts of settings) {
      const [mw, mg] = await both(async (k) => {
        const t = k.create(opts.units * opts.samples);
        k.mask(t, opts);
        const r = (await k.read(t)) as Float32Array;
        k.dispose(t);
        return r;
      });
      assertBitIdentical(`mask keep=${opts.keep}`, mg, mw);
      if (opts.keep === 1) assert.ok(mg.every((v) => v === 1), 'keep = 1 gives all ones');
    }
  });

  s('broadcast, softmax cross-entropy and gather agree', async () => {
    const rows = 300, cols = 10;
    const x = randomF32(rows * cols, 91, 20), v = randomF32(cols, 92);
    const t = new Float32Array(rows * cols);
    for (let r = 0; r < rows; r++) t[r * cols + ((r * 7) % cols)] = 1;
    const idx = Uint32Array.from({ length: 64 }, (_, i) => (i * 37) % rows);
    const [rw, rg] = await both(async (k) => {
      const tx = k.fromArray(x), tv = k.fromArray(v), tt = k.fromArray(t), ti = k.fromArray(idx);
      const b = k.create(rows * cols), grad = k.create(rows * cols), loss = k.create(rows), g = k.create(64 * cols);
      k.broadcast(tx, tv, b, { rows, cols, op: 'add' });
      k.softmaxXent(tx, tt, grad, loss, { rows, cols });
      k.gatherRows(tx, ti, g, { rows: 64, cols });
      const out = await Promise.all([b, grad, loss, g].map((q) => k.read(q))) as Float32Array[];
      for (const q of [tx, tv, tt, ti, b, grad, loss, g]) k.dispose(q);
      return out;
    });
    assertWithin('broadcast', rg[0]!, rw[0]!, Array.from(rw[0]!, (w) => 2 * U32 * Math.abs(w)));
    // Each side within 64u of exact probabilities and 64u·(|loss| + 40) of the loss (kernels test).
    assertWithin('softmax grad', rg[1]!, rw[1]!, 128 * U32);
    assertWithin('softmax loss', rg[2]!, rw[2]!, Array.from(rw[2]!, (l) => 128 * U32 * (Math.abs(l) + 40)));
    assertBitIdentical('gather', rg[3]!, rw[3]!);
  });

  s('reruns on the same backend are bit-identical (fixed reduction order)', async () => {
    const a = randomF32(300 * 257, 9), b = randomF32(257 * 70, 10);
    for (const k of [w, g]) {
      const ta = k.fromArray(a), tb = k.fromArray(b), c1 = k.create(300 * 70), c2 = k.create(300 * 70), r = k.create(2);
      k.gemm(ta, tb, c1, { m: 300, n: 70, k: 257 });
      k.gemm(ta, tb, c2, { m: 300, n: 70, k: 257 });
      k.reduce('sumsq', ta, null, r, 0);
      k.reduce('sumsq', ta, null, r, 1);
      assertBitIdentical(`${k.name} gemm rerun`, (await k.read(c1)) as Float32Array, (await k.read(c2)) as Float32Array);
      const rr = (await k.read(r)) as Float32Array;
      assert.ok(Object.is(rr[0], rr[1]), `${k.name} reduce rerun`);
      for (const t of [ta, tb, c1, c2, r]) k.dispose(t);
    }
  });
}

s.after(() => {
  engines.wasm.dispose();
  engines.webgpu?.dispose();
});
s.run();
