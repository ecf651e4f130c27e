/**
 * Matched noise magnitudes for the comparisons of docs/math.md §6: the isotropic variance is tr Σ_drop / D,
 * and SGD with the returned batch size has total gradient-noise variance ≈ tr Σ_drop (measured
 * again from 400 batches of that size: relative standard error ≈ 7%, checked to 25%).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine, teacherTask } from 'dropout-sme';

test('isotropic variance V/D and an SGD batch with total variance ≈ V', async () => {
  const engine = await createEngine({ backend: 'wasm' });
  const task = teacherTask({ n: 300, inDim: 5, width: 8, seed: 4, noise: 0.1 });
  const data = engine.dataset(task);
  const model = engine.mlp({ sizes: [5, 12, 1], keep: 0.8, seed: 2 });
  await engine.train(model, data, { lr: 0.1, steps: 50, seed: 1 });
  const r = await engine.matchedNoise(model, data, { samples: 64, probeBatch: 20, batches: 400, seed: 3 });
  assert.ok(Math.abs(r.isotropicVariance * model.size - r.dropoutVariance) <= 1e-9 * r.dropoutVariance);
  assert.ok(r.sgdBatch >= 1 && r.sgdBatch <= 300, `batch ${r.sgdBatch}`);
  const again = await engine.matchedNoise(model, data, { samples: 64, probeBatch: r.sgdBatch, batches: 400, seed: 3 });
  const n = 300, b = r.sgdBatch;
  const traceSgd = (again.perSampleVariance * (n - b)) / (b * (n - 1));
  console.log(`  matched noise: tr Σ_drop = ${r.dropoutVariance.toExponential(3)}, SGD batch ${b}: tr Σ_SGD = ${traceSgd.toExponential(3)}`);
  assert.ok(Math.abs(traceSgd - r.dropoutVariance) <= 0.25 * r.dropoutVariance, `SGD ${traceSgd} vs dropout ${r.dropoutVariance}`);
  engine.dispose();
});

test.run();
