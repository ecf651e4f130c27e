/**
 * Lanczos top-10 on W3 (784-50-10, tanh, MSE, the 8,000 MNIST training digits, after 100 steps of
 * GD), on WASM. W3 has D = 39,760 parameters, so its dense Hessian (12.6 GB in float64) is beyond
 * the dense eigensolver; instead every Ritz pair is certified directly: ‖H y − θ y‖ ≤ 1e-3·|θ₁|
 * from one more exact HVP per pair (eigenvalue error ≤ residual for a symmetric H), and a longer
 * run (80 steps) reproduces the ten values. The dense comparison runs on a smaller model in
 * curvature.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';
import { assertWithin } from '../helpers/compare.js';

test('W3: top-10 Hessian eigenpairs by Lanczos have certified residuals', async () => {
  const { train } = await loadMnist();
  const engine = await createEngine({ backend: 'wasm' });
  const model = engine.mlp({ sizes: [784, 50, 10], keep: 0.9, seed: 4 });
  const data = engine.dataset(train);
  await engine.train(model, data, { lr: 0.1, steps: 100, seed: 1, dropout: false, lossEvery: 100 });
  const d = model.size;
  assert.is(d, 39760);
  const r = await engine.hessianEigen(model, data, { k: 10, steps: 60, maxSteps: 60, tol: 1e-4, seed: 2 });
  const top = Math.abs(r.values[0]!);
  for (let i = 0; i < 10; i++) {
    const y = r.vectors.subarray(i * d, (i + 1) * d);
    const hy = await model.hvp(data, Float32Array.from(y));
    let res = 0;
    for (let j = 0; j < d; j++) res += (hy[j]! - r.values[i]! * y[j]!) ** 2;
    assert.ok(Math.sqrt(res) <= 1e-3 * top, `pair ${i}: θ = ${r.values[i]}, ‖Hy − θy‖ = ${Math.sqrt(res)}`);
  }
  const longer = await engine.hessianEigen(model, data, { k: 10, steps: 80, maxSteps: 80, tol: 1e-4, seed: 7 });
  assertWithin('top-10 from 60 and 80 steps', r.values, longer.values, 1e-3 * top);
  console.log(`  W3 top Hessian eigenvalues: ${Array.from(r.values, (v) => v.toFixed(4)).join(' ')}`);
  engine.dispose();
});

test.run();
