/**
 * docs/math.md §6 on W1 (784-50-50-10, tanh, keep 0.9, MSE, full-batch dropout GD on the 8,000 training
 * digits, 300 steps at lr 0.1, seed 1), on WASM, with gradient samples: the M = 40 mask gradients
 * at the trained θ*, PCA of them, interval flatness (c = 2) of R_S around θ* along the top 15
 * directions. Stated expectation: dropout noise is largest along sharp directions, so the fitted
 * ψ of log σ² = −ψ log F + b is positive with its bootstrap 95% interval excluding 0.
 * (Trajectory samples on W1 give ψ < 0, even in a window at the loss plateau: README, "Read with care".)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine, factorSamples } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';

test('W1 gradient samples: ψ > 0 with a 95% interval excluding 0', async () => {
  const { train } = await loadMnist();
  const engine = await createEngine({ backend: 'wasm' });
  const model = engine.mlp({ sizes: [784, 50, 50, 10], keep: 0.9, seed: 1 });
  const data = engine.dataset(train);
  await engine.train(model, data, { lr: 0.1, steps: 300, seed: 1, lossEvery: 300 });
  const theta = await model.getParams();
  const m = 40;
  // The samples g_j (rows) from the factor: g_j = ḡ + √(M − 1)·(column j of the factor).
  const g = factorSamples(await engine.noiseFactor(model, data, { samples: m, seed: 9 }));
  const vf = await engine.varianceFlatness(model, data, g, m, { k: 15, c: 2, seed: 3, centre: theta });
  console.log(`  W1 gradient samples: ψ = ${vf.psi.toFixed(2)} [${vf.interval.map((v) => v.toFixed(2)).join(', ')}], Spearman ρ(F, σ²) = ${vf.spearman.toFixed(2)}`);
  assert.ok(vf.used >= 10, `${vf.used} directions with finite flatness`);
  assert.ok(vf.psi > 0 && vf.interval[0] > 0, `ψ = ${vf.psi}, interval ${vf.interval}`);
  engine.dispose();
});

test.run();
