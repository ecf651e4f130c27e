/**
 * engine.compareNoise (docs/math.md §6 comparisons) on a small teacher problem, WASM: from a trained θ₀,
 * trajectory samples of dropout GD, SGD, GD + isotropic noise and plain GD, each through the
 * variance–flatness analysis. Checked: the matched magnitudes are engine.matchedNoise's at θ₀ and
 * are the ones each method ran with; every method gets the same K; plain GD's samples lie on one
 * deterministic path while the noisy methods spread over several directions and well beyond it; θ₀ is restored; one method
 * alone, with the same seed, repeats the full run's numbers exactly; bad options throw.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, createEngine, teacherTask, type CompareNoiseOptions } from 'dropout-sme';

test('compareNoise: four methods, matched noise, same K, deterministic under a seed', async () => {
  const engine = await createEngine({ backend: 'wasm' });
  const task = teacherTask({ n: 300, inDim: 5, width: 8, seed: 4, noise: 0.1 });
  const data = engine.dataset(task);
  const model = engine.mlp({ sizes: [5, 12, 1], keep: 0.8, seed: 2 });
  await engine.train(model, data, { lr: 0.1, steps: 3000, seed: 1, lossEvery: 3000 });
  const theta0 = await model.getParams();
  const matching = { samples: 32, probeBatch: 20, batches: 100, seed: 5 };
  const options: CompareNoiseOptions = { lr: 0.1, burnIn: 500, samples: 24, every: 2, k: 6, seed: 7, matching, hessianK: 4, bootstrap: 200 };
  const seen: number[] = [];
  const r = await engine.compareNoise(model, data, { ...options, onProgress: (done, total) => seen.push(done / total) });

  assert.equal(Array.from(await model.getParams()), Array.from(theta0), 'θ₀ restored');
  const direct = await engine.matchedNoise(model, data, matching);
  assert.equal(r.matched, direct, 'matched magnitudes measured at θ₀');
  assert.equal(r.methods.map((m) => m.method), ['dropout', 'sgd', 'isotropic', 'gd']);
  const by = Object.fromEntries(r.methods.map((m) => [m.method, m]));
  assert.is(by.sgd!.settings.batchSize, direct.sgdBatch);
  assert.ok(direct.sgdBatch < 300, `SGD batch ${direct.sgdBatch} is a real mini-batch`);
  assert.is(by.isotropic!.settings.isotropicNoise, direct.isotropicVariance);
  assert.ok(by.dropout!.settings.dropout && !by.sgd!.settings.dropout && !by.gd!.settings.dropout);
  for (const m of r.methods) {
    assert.is(m.variances.length, 6, `${m.method}: K`);
    assert.is(m.flatness.flatness.length, 6);
    assert.is(m.projected!.length, 4);
    assert.is(m.losses.length, 48);
  }
  assert.is(r.hessianValues!.length, 4);
  // Plain GD is deterministic: its samples lie on one smooth path (a single direction carries the
  // spread; half-to-half drift near √3, a straight line's value). The noisy methods spread over
  // several directions and well beyond that drift.
  const gd = by.gd!;
  for (const m of r.methods) console.log(`  ${m.method}: tr C ${m.totalVariance.toExponential(2)}, PC1 share ${(m.variances[0]! / m.totalVariance).toFixed(3)}, drift ${m.drift.toFixed(2)}, ψ = ${m.psi.toFixed(2)}`);
  assert.ok(gd.variances[0]! / gd.totalVariance > 0.99 && gd.drift > 1.5, `GD path: PC1 share ${gd.variances[0]! / gd.totalVariance}, drift ${gd.drift}`);
  for (const m of ['dropout', 'sgd', 'isotropic'] as const) {
    const x = by[m]!;
    assert.ok(x.variances[0]! / x.totalVariance < 0.9, `${m}: PC1 share ${x.variances[0]! / x.totalVariance}`);
    assert.ok(gd.totalVariance < 0.2 * x.totalVariance, `plain GD's spread ${gd.totalVariance} vs ${m}'s ${x.totalVariance}`);
    assert.ok(x.used >= 5 && Number.isFinite(x.psi), `${m}: ${x.used} directions`);
  }
  assert.ok(seen.length > 0 && seen.every((v, i) => i === 0 || v >= seen[i - 1]!), 'progress is monotone');
  assert.is(seen[seen.length - 1], 1);

  // One method alone repeats the full run's numbers (each method starts from θ₀ with the same seed).
  const again = await engine.compareNoise(model, data, { ...options, methods: ['isotropic'] });
  assert.is(again.methods.length, 1);
  assert.equal(Array.from(again.methods[0]!.variances), Array.from(by.isotropic!.variances));
  assert.is(again.methods[0]!.psi, by.isotropic!.psi);
  engine.dispose();
});

test('compareNoise: options are validated', async () => {
  const engine = await createEngine({ backend: 'wasm' });
  const data = engine.dataset(teacherTask({ n: 40, inDim: 3, width: 4, seed: 1 }));
  const model = engine.mlp({ sizes: [3, 4, 1], keep: 0.8, seed: 1 });
  const bad: [string, unknown][] = [
    ['options.lr', { lr: -1 }],
    ['options.lr', { lr: Number.NaN }],
    ['options.samples', { lr: 0.1, samples: 2 }],
    ['options.k', { lr: 0.1, samples: 10, k: 10 }],
    ['options.every', { lr: 0.1, every: 0 }],
    ['options.burnIn', { lr: 0.1, burnIn: 1.5 }],
    ['options.c', { lr: 0.1, c: 1 }],
    ['options.methods', { lr: 0.1, methods: [] }],
    ['options.methods', { lr: 0.1, methods: ['adam'] }],
    ['options.methods', { lr: 0.1, methods: ['gd', 'gd'] }],
    ['options.seed', { lr: 0.1, seed: -1 }],
    ['options', null],
  ];
  for (const [name, o] of bad) {
    try {
      await engine.compareNoise(model, data, o as CompareNoiseOptions);
      assert.unreachable(`${JSON.stringify(o)} accepted`);
    } catch (err) {
      assert.instance(err, ArgumentError, String(err));
      assert.is((err as ArgumentError).argument, name);
    }
  }
  engine.dispose();
});

test.run();
