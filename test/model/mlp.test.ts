/**
 * The dropout MLP of every present backend against the float64 oracle (test/helpers/mlp-reference.ts):
 * gradients with and without masks, the modified-loss identity by enumerating all 2^m masks, and
 * the oracle itself against central finite differences.
 *
 * Tolerance for device results: |g − ref| ≤ 2e-5·max|ref| + 1e-7. The deepest chain here is three
 * f32 reductions of ≤ 64 terms of magnitude O(1); each adds at most γ_64 ≈ 4e-6 relative to the
 * largest component, so 2e-5 bounds the sum with room for the activations' few-ulp error.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { counterHash, maskValue, type Engine } from 'dropout-sme';
import { enumerateModified, paramCount, refLossGrad, type RefNet } from '../helpers/mlp-reference.js';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

function scaleBound(ref: ArrayLike<number>): number {
  let mx = 0;
  for (let i = 0; i < ref.length; i++) mx = Math.max(mx, Math.abs(ref[i]!));
  return 2e-5 * mx + 1e-7;
}

/** The masks the device draws for (seed, step), rebuilt on the host from the reference hash. */
function hostMasks(sizes: number[], keep: number, seed: number, step: number, perSample: boolean, n: number): Float64Array[] {
  const thr = Math.floor(keep * 2 ** 31), inv = Math.fround(1 / keep);
  return sizes.slice(1, -1).map((w, l) => {
    const rows = perSample ? n : 1;
    const m = new Float64Array(rows * w);
    for (let s = 0; s < rows; s++) for (let u = 0; u < w; u++) m[s * w + u] = maskValue(counterHash(seed, step, l, u, s), thr, inv);
    return m;
  });
}

const oracle = suite('float64 oracle');
oracle('back-propagation matches central finite differences', () => {
  for (const loss of ['mse', 'xent'] as const) {
    const net: RefNet = { sizes: [3, 5, 4, 3], activation: 'tanh', bias: true, loss };
    const n = 7, theta = Float64Array.from(randomF32(paramCount(net), 1));
    const x = randomF32(n * 3, 2), y = randomF32(n * 3, 3);
    // Cross-entropy targets are probability rows: positive, summing to 1.
    if (loss === 'xent') for (let i = 0; i < n; i++) {
      const row = y.subarray(i * 3, i * 3 + 3).map(Math.abs);
      const sum = row.reduce((a, b) => a + b, 0);
      y.set(row.map((v) => v / sum), i * 3);
    }
    const masks = [Float64Array.from([2, 0, 2, 2, 0]), Float64Array.from([0, 2, 2, 2])];
    const { grad } = refLossGrad(net, theta, x, y, n, masks);
    const h = 1e-6;
    for (let i = 0; i < theta.length; i++) {
      const tp = Float64Array.from(theta), tm = Float64Array.from(theta);
      tp[i]! += h; tm[i]! -= h;
      const fd = (refLossGrad(net, tp, x, y, n, masks).loss - refLossGrad(net, tm, x, y, n, masks).loss) / (2 * h);
      // Central differences in float64: truncation O(h²) ≈ 1e-12, cancellation ≈ 1e-16/h = 1e-10.
      assert.ok(Math.abs(fd - grad[i]!) <= 1e-7, `${loss} θ[${i}]: backprop ${grad[i]} vs finite difference ${fd}`);
    }
  }
});
oracle.run();

for (const engine of present(engines)) defineModelSuite(engine);

function defineModelSuite(engine: Engine): void {
  const s = suite(`${engine.backend} dropout MLP vs float64`);

  s('gradient without dropout (mse and xent, tanh/relu/sigmoid, deep)', async () => {
    const configs = [
      { sizes: [3, 5, 4, 3], activation: 'tanh', loss: 'mse', bias: true },
      { sizes: [6, 16, 2], activation: 'relu', loss: 'xent', bias: true },
      { sizes: [4, 9, 7, 5, 3], activation: 'sigmoid', loss: 'mse', bias: false },
    ] as const;
    for (const [ci, c] of configs.entries()) {
      const n = 13;
      const x = randomF32(n * c.sizes[0], 10 + ci), yRaw = randomF32(n * c.sizes[c.sizes.length - 1]!, 20 + ci);
      const y = c.loss === 'xent' ? oneHot(yRaw, n, c.sizes[c.sizes.length - 1]!) : yRaw;
      const model = engine.mlp({ sizes: [...c.sizes], activation: c.activation, loss: c.loss, bias: c.bias, keep: 0.8, seed: ci });
      const data = engine.dataset({ x, y, n, inDim: c.sizes[0], outDim: c.sizes[c.sizes.length - 1]! });
      const theta = await model.getParams();
      const ref = refLossGrad({ sizes: [...c.sizes], activation: c.activation, bias: c.bias, loss: c.loss }, theta, x, y, n);
      assertWithin(`${c.sizes.join('-')} loss`, [await model.loss(data)], [ref.loss], 2e-5 * ref.loss + 1e-7);
      assertWithin(`${c.sizes.join('-')} ∇R_S`, await model.gradient(data, { mask: 'none' }), ref.grad, scaleBound(ref.grad));
      model.dispose();
      data.dispose();
    }
  });

  s('gradient with a drawn mask equals the oracle with the same masks (shared and per-sample)', async () => {
    for (const masks of ['shared', 'per-sample'] as const) {
      const sizes = [4, 12, 8, 2], n = 11, keep = 0.7, seed = 99, step = 5;
      const model = engine.mlp({ sizes, keep, seed: 4, masks });
      const x = randomF32(n * 4, 31), y = randomF32(n * 2, 32);
      const data = engine.dataset({ x, y, n, inDim: 4, outDim: 2 });
      const ref = refLossGrad({ sizes, activation: 'tanh', bias: true, loss: 'mse' }, await model.getParams(), x, y, n, hostMasks(sizes, keep, seed, step, masks === 'per-sample', n));
      assertWithin(`${masks} R_drop`, [await model.dropoutLoss(data, { seed, step })], [ref.loss], 2e-5 * ref.loss + 1e-7);
      assertWithin(`${masks} ∇R_drop`, await model.gradient(data, { mask: { seed, step } }), ref.grad, scaleBound(ref.grad));
      model.dispose();
      data.dispose();
    }
  });

  s('modified loss L_S and ∇L_S equal the enumeration of all 2^m masks (m = 10)', async () => {
    for (const keep of [0.9, 0.5, 0.1]) {
      const sizes = [2, 10, 3], n = 9;
      const model = engine.mlp({ sizes, keep, seed: 7 });
      const x = randomF32(n * 2, 41, 2), y = randomF32(n * 3, 42);
      const data = engine.dataset({ x, y, n, inDim: 2, outDim: 3 });
      const theta = await model.getParams();
      const ref = enumerateModified({ sizes, activation: 'tanh', bias: true, loss: 'mse' }, theta, x, y, n, keep);
      const ls = await model.modifiedLoss(data);
      assert.ok(ls.exact, 'one dropout layer with MSE has the closed form');
      assertWithin(`L_S keep=${keep}`, [ls.value], [ref.loss], 2e-5 * ref.loss + 1e-7);
      assertWithin(`∇L_S keep=${keep}`, await model.gradient(data, { mask: 'expected' }), ref.grad, scaleBound(ref.grad));
      model.dispose();
      data.dispose();
    }
  });

  s('Monte Carlo L_S for two dropout layers lies within 4 standard errors of the enumeration', async () => {
    const sizes = [2, 4, 4, 1], n = 6, keep = 0.6;
    const model = engine.mlp({ sizes, keep, seed: 3 });
    const x = randomF32(n * 2, 51, 2), y = randomF32(n, 52);
    const data = engine.dataset({ x, y, n, inDim: 2, outDim: 1 });
    const theta = await model.getParams();
    // Enumerate both layers' 2^4 · 2^4 masks.
    let exact = 0;
    for (let b1 = 0; b1 < 16; b1++) for (let b2 = 0; b2 < 16; b2++) {
      let prob = 1;
      const m1 = new Float64Array(4), m2 = new Float64Array(4);
      for (let u = 0; u < 4; u++) {
        const k1 = (b1 >> u) & 1, k2 = (b2 >> u) & 1;
        prob *= (k1 ? keep : 1 - keep) * (k2 ? keep : 1 - keep);
        m1[u] = k1 ? 1 / keep : 0;
        m2[u] = k2 ? 1 / keep : 0;
      }
      exact += prob * refLossGrad({ sizes, activation: 'tanh', bias: true, loss: 'mse' }, theta, x, y, n, [m1, m2]).loss;
    }
    const mc = await model.modifiedLoss(data, { samples: 4000, seed: 1 });
    assert.not.ok(mc.exact);
    assert.ok(mc.stdError > 0 && Math.abs(mc.value - exact) <= 4 * mc.stdError, `MC ${mc.value} ± ${mc.stdError} vs exact ${exact}`);
    model.dispose();
    data.dispose();
  });

  s.run();
}

function oneHot(raw: Float32Array, n: number, c: number): Float32Array {
  const y = new Float32Array(n * c);
  for (let i = 0; i < n; i++) y[i * c + Math.floor(((raw[i * c]! + 1) / 2) * c) % c] = 1;
  return y;
}

const end = suite('cleanup');
end('engines dispose', () => {
  for (const e of present(engines)) e.dispose();
});
end.run();
