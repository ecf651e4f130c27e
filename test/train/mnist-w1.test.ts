/**
 * docs/math.md §7 W1 on the embedded MNIST digits: MLP 784-50-50-10, tanh, keep 0.9, MSE on one-hot
 * targets, full-batch dropout GD on the 8,000 training digits. On WASM (the CPU CI machine; the
 * WebGPU path is cross-checked on smaller problems, SwiftShader being a CPU emulation).
 * Stated expectation (seed 1, lr 0.1, 200 steps): the training loss falls below half its start
 * and the test accuracy on the 2,000 held-out digits exceeds 80% (observed: see the output).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';

test('W1: dropout GD reduces the loss and reaches > 80% test accuracy', async () => {
  const { train, test: held } = await loadMnist();
  assert.is(train.n + held.n, 10000);
  const engine = await createEngine({ backend: 'wasm' });
  const model = engine.mlp({ sizes: [784, 50, 50, 10], activation: 'tanh', keep: 0.9, seed: 1 });
  const dtrain = engine.dataset(train), dtest = engine.dataset(held);
  const before = await model.loss(dtrain);
  const r = await engine.train(model, dtrain, { lr: 0.1, steps: 200, seed: 1, lossEvery: 20 });
  const after = await model.loss(dtrain);
  const accuracy = await model.accuracy(dtest);
  console.log(`  W1: R_S ${before.toFixed(4)} → ${after.toFixed(4)}, dropout losses ${Array.from(r.losses, (v) => v.toFixed(3)).join(' ')}, test accuracy ${(accuracy * 100).toFixed(1)}%`);
  assert.ok(after < 0.5 * before, `R_S ${before} → ${after}`);
  assert.ok(accuracy > 0.8, `test accuracy ${accuracy}`);
  engine.dispose();
});

test.run();
