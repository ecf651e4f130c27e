/**
 * Dropout noise (docs/math.md §3): the batched per-mask gradients equal one-at-a-time gradients with the
 * same masks, and the noise factor's G Gᵀ estimates the exact covariance Σ obtained by enumerating
 * all 2^m masks in float64.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from 'dropout-sme';
import { exactNoise, type RefNet } from '../helpers/mlp-reference.js';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} dropout noise`);

  s('batched per-mask gradients equal one-mask-at-a-time gradients (2 and 3 layers)', async () => {
    for (const sizes of [[3, 7, 2], [3, 6, 5, 2]]) {
      const n = 9;
      const model = engine.mlp({ sizes, keep: 0.6, seed: 8 });
      const data = engine.dataset({ x: randomF32(n * 3, 5), y: randomF32(n * 2, 6), n, inDim: 3, outDim: 2 });
      const f = await engine.noiseFactor(model, data, { samples: 5, seed: 21, stepOffset: 3 });
      const singles = [];
      for (let j = 0; j < 5; j++) singles.push(await model.gradient(data, { mask: { seed: 21, step: 3 + j } }));
      const d = model.size;
      const mean = new Float64Array(d);
      for (const g of singles) g.forEach((v, i) => { mean[i]! += v / 5; });
      const scale = Math.max(...singles.flatMap((g) => Array.from(g, Math.abs)));
      // Same kernels, batched: differences are rounding only (2e-5 relative, as the gradient tests).
      assertWithin(`${sizes.join('-')} mean`, f.mean, mean, 2e-5 * scale + 1e-7);
      for (let j = 0; j < 5; j++) {
        const col = Array.from({ length: d }, (_, i) => f.factor[i * 5 + j]!);
        const want = Array.from(singles[j]!, (v, i) => (v - mean[i]!) / 2);
        assertWithin(`${sizes.join('-')} factor column ${j}`, col, want, 2e-5 * scale + 1e-7);
      }
      model.dispose();
      data.dispose();
    }
  });

  s('G Gᵀ from 4000 masks matches the enumerated Σ within its sampling error', async () => {
    const net: RefNet = { sizes: [2, 6, 1], activation: 'tanh', bias: true, loss: 'mse' };
    const n = 7, keep = 0.5, M = 4000;
    const x = randomF32(n * 2, 11, 2), y = randomF32(n, 12);
    const model = engine.mlp({ sizes: net.sizes, keep, seed: 3 });
    const data = engine.dataset({ x, y, n, inDim: 2, outDim: 1 });
    const exact = exactNoise(net, await model.getParams(), x, y, n, keep);
    const f = await engine.noiseFactor(model, data, { samples: M, seed: 5 });
    const d = model.size;
    assertWithin('mean of mask gradients', f.mean, exact.mean, Array.from(exact.mean, (_, i) => 5 * Math.sqrt(exact.cov[i * d + i]! / M) + 1e-6));
    // Σ̂_ab = Σ_j G_aj G_bj; its standard error is the sample sd of (g_a − ḡ_a)(g_b − ḡ_b) over √M.
    for (let a = 0; a < d; a++) {
      for (let b = a; b < d; b++) {
        let est = 0, sq = 0;
        for (let j = 0; j < M; j++) {
          const p = f.factor[a * M + j]! * f.factor[b * M + j]! * (M - 1);
          est += p / (M - 1);
          sq += p * p;
        }
        const se = Math.sqrt(Math.max(sq / M - ((est * (M - 1)) / M) ** 2, 0) / M);
        const want = exact.cov[a * d + b]!;
        assert.ok(Math.abs(est - want) <= 5 * se + 1e-7, `Σ[${a},${b}]: ${est} vs exact ${want} (se ${se})`);
      }
    }
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}
