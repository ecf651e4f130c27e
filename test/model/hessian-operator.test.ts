/**
 * The Hessian operator at a fixed θ (src/model/hessian-operator.ts) against model.hvpTensor.
 *
 * Equality is exact (bit for bit), not within a tolerance: an apply runs the same kernels, in the
 * same order, on bit-identical inputs as hvpTensor's R pass (the θ copy is a copy, and the forward
 * state it reads is what hvpTensor's own forward pass writes just before), and every kernel is
 * deterministic. So any difference means the cached state was wrong or overwritten.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { DisposedError, type DeviceDataset, type Engine, type HessianOf, type Mlp, type MlpOptions } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { assertBitIdentical } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

interface Case {
  name: string;
  model: MlpOptions;
  opts: { of: HessianOf; samples?: number; seed?: number };
}

/** One of each way hvpTensor builds a Hessian: R_S, closed-form L_S, a fixed mask (shared and per sample), cross-entropy, Monte Carlo L_S. */
const CASES: Case[] = [
  { name: "'loss', deep tanh mse", model: { sizes: [3, 6, 5, 2], keep: 0.8, seed: 1 }, opts: { of: 'loss' } },
  { name: "'modified', closed form (one dropout layer, mse)", model: { sizes: [2, 6, 2], keep: 0.7, seed: 2 }, opts: { of: 'modified' } },
  { name: 'fixed mask draw', model: { sizes: [3, 6, 5, 2], keep: 0.8, seed: 3 }, opts: { of: { seed: 4, step: 9 } } },
  { name: 'fixed mask draw, per-sample masks', model: { sizes: [3, 6, 5, 2], keep: 0.8, seed: 3, masks: 'per-sample' }, opts: { of: { seed: 4, step: 9 } } },
  { name: "cross-entropy 'loss', sigmoid", model: { sizes: [4, 7, 3], activation: 'sigmoid', loss: 'xent', keep: 0.9, seed: 4 }, opts: { of: 'loss' } },
  { name: "'modified', Monte Carlo (two hidden layers)", model: { sizes: [3, 6, 5, 2], keep: 0.8, seed: 5 }, opts: { of: 'modified', samples: 3, seed: 11 } },
];

function datasetFor(engine: Engine, o: MlpOptions, seed: number): DeviceDataset {
  const n = 9, d = o.sizes[0]!, c = o.sizes[o.sizes.length - 1]!;
  const x = randomF32(n * d, seed, 1.5);
  const y = o.loss === 'xent'
    ? Float32Array.from({ length: n * c }, (_, i) => ((i % c) === (Math.floor(i / c) % c) ? 1 : 0))
    : randomF32(n * c, seed + 1);
  return engine.dataset({ x, y, n, inDim: d, outDim: c });
}

async function fresh(engine: Engine, model: Mlp, data: DeviceDataset, v: Float32Array, opts: Case['opts']): Promise<Float32Array> {
  const t = engine.kernels.fromArray(v);
  try {
    return (await engine.kernels.read(model.hvpTensor(data, t, opts))) as Float32Array;
  } finally {
    engine.kernels.dispose(t);
  }
}

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} Hessian operator at a fixed θ`);
  const k = engine.kernels;

  s('three applies in a row equal fresh hvpTensor products, bit for bit, for every kind of Hessian', async () => {
    for (const [ci, c] of CASES.entries()) {
      const model = engine.mlp(c.model), data = datasetFor(engine, c.model, 10 + ci);
      const vs = [0, 1, 2].map((j) => randomF32(model.size, 100 + 10 * ci + j));
      const vt = vs.map((v) => k.fromArray(v));
      const op = model.hessianOperator(data, c.opts);
      const got: Float32Array[] = [];
      for (const t of vt) got.push((await k.read(op.apply(t))) as Float32Array);
      for (const [j, v] of vs.entries()) assertBitIdentical(`${c.name}, direction ${j}`, got[j]!, await fresh(engine, model, data, v, c.opts));
      // The three directions give three different products (the check above could not pass by a stale result).
      assert.not.equal(got[0], got[1], `${c.name}: products of different directions differ`);
      op.dispose();
      for (const t of vt) k.dispose(t);
      model.dispose();
      data.dispose();
    }
  });

  s('after θ moves (setParams, training) and other passes run, it still gives the Hessian at its θ', async () => {
    for (const c of [CASES[1]!, CASES[2]!, CASES[4]!, CASES[5]!]) {
      const model = engine.mlp(c.model), data = datasetFor(engine, c.model, 40);
      const theta0 = await model.getParams();
      const v = randomF32(model.size, 41), w = randomF32(model.size, 42);
      const vt = k.fromArray(v);
      const op = model.hessianOperator(data, c.opts);
      const first = (await k.read(op.apply(vt))) as Float32Array;
      // Move θ and run every kind of pass on the model's own workspaces, R-workspace included.
      model.setParams(Float32Array.from(theta0, (t, i) => t + 0.3 * Math.sin(i)));
      await engine.train(model, data, { lr: 0.1, steps: 2, seed: 1 });
      await model.gradient(data, { mask: 'expected', samples: 2 });
      await model.loss(data);
      await model.hvp(data, w, c.opts);
      const later = (await k.read(op.apply(vt))) as Float32Array;
      const atMoved = await fresh(engine, model, data, v, c.opts);
      assertBitIdentical(`${c.name}: apply before and after θ moved`, first, later);
      model.setParams(theta0);
      assertBitIdentical(`${c.name}: apply vs hvpTensor at the old θ`, later, await fresh(engine, model, data, v, c.opts));
      // The move changes the Hessian, so the checks above can tell the old θ from the new.
      assert.not.equal(later, atMoved, `${c.name}: the Hessian at the moved θ differs`);
      op.dispose();
      k.dispose(vt);
      model.dispose();
      data.dispose();
    }
  });

  s('dispose frees its tensors; apply after dispose (its own, its model\'s or its data\'s) throws DisposedError', async () => {
    const c = CASES[1]!;
    const model = engine.mlp(c.model), data = datasetFor(engine, c.model, 50);
    const v = k.fromArray(randomF32(model.size, 51));
    await model.hvp(data, randomF32(model.size, 52), c.opts); // the model's workspaces now exist
    const before = k.liveTensors();
    const op = model.hessianOperator(data, c.opts);
    assert.ok(k.liveTensors() > before, 'the operator holds tensors of its own');
    op.apply(v);
    op.dispose();
    assert.is(k.liveTensors(), before, 'dispose returns them');
    op.dispose(); // a second dispose does nothing
    assert.throws(() => op.apply(v), (e: unknown) => e instanceof DisposedError && /hessian operator: disposed/.test(String(e)));

    const byModel = model.hessianOperator(data, c.opts);
    const otherData = datasetFor(engine, c.model, 53);
    const byData = model.hessianOperator(otherData, c.opts);
    otherData.dispose();
    assert.throws(() => byData.apply(v), (e: unknown) => e instanceof DisposedError, 'data disposed');
    byData.dispose();
    model.dispose();
    assert.ok(byModel.disposed, "the model's dispose disposes its live operators");
    assert.throws(() => byModel.apply(v), (e: unknown) => e instanceof DisposedError, 'model disposed');
    k.dispose(v);
    data.dispose();
  });

  s('bad Hessian choices are refused when the operator is made', async () => {
    const model = engine.mlp({ sizes: [2, 3, 1] });
    const data = engine.dataset({ x: new Float32Array(4), y: new Float32Array(2), n: 2, inDim: 2, outDim: 1 });
    await model.hvp(data, new Float32Array(model.size)); // the model's workspaces now exist
    const before = k.liveTensors();
    assert.throws(() => model.hessianOperator(data, { of: 'fisher' as never }), /opts\.of: expected 'loss', 'modified' or \{ seed, step \}/);
    assert.throws(() => model.hessianOperator(data, { of: 'modified', samples: 0 }), /opts\.samples:/);
    assert.is(k.liveTensors(), before, 'a refused operator allocates nothing');
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}
