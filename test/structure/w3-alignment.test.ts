/**
 * α(H, Σ) over training on W3 (784-50-10, tanh, keep 0.9, MSE, the 8,000 MNIST training digits,
 * lr 0.1, seed 0), on WASM: checkpoints at steps 0 and 100, M = 16 mask gradients, ‖H‖_F from 20
 * Hutchinson probes, 5 null-model bases. Stated expectation (docs/math.md §6, Zhu et al.): dropout noise is
 * aligned with the Hessian far beyond the null model with the same spectrum, α > null mean + 5 sd.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';

test('W3: α(H, Σ) over training stands far above its null model', async () => {
  const { train } = await loadMnist();
  const engine = await createEngine({ backend: 'wasm' });
  const model = engine.mlp({ sizes: [784, 50, 10], keep: 0.9, seed: 1 });
  const data = engine.dataset(train);
  const r = await engine.alignmentOverTraining(model, data, { lr: 0.1, steps: 100, every: 100, samples: 16, nullSamples: 5, probes: 20 });
  console.log(`  W3 α over training: steps ${Array.from(r.steps).join(', ')}; α ${Array.from(r.alpha, (v) => v.toFixed(3)).join(', ')}; null ${Array.from(r.nullMean, (v) => v.toExponential(1)).join(', ')} ± ${Array.from(r.nullSd, (v) => v.toExponential(1)).join(', ')}`);
  assert.equal(Array.from(r.steps), [0, 100]);
  assert.ok(r.loss[1]! < r.loss[0]!, 'training progressed');
  for (let i = 0; i < 2; i++) {
    assert.ok(r.alpha[i]! > 0 && r.alpha[i]! <= 1, `α in (0, 1]: ${r.alpha[i]}`);
    assert.ok(r.alpha[i]! > r.nullMean[i]! + 5 * r.nullSd[i]!, `α ${r.alpha[i]} vs null ${r.nullMean[i]} ± ${r.nullSd[i]}`);
  }
  engine.dispose();
});

test.run();
