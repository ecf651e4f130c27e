/**
 * The reproduction's runner: shards combined, a resumed run and a rerun all assemble the same
 * results.json text as one uninterrupted run (the determinism issue 7 and 8 ask for), and the
 * settings are checked before anything runs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, createEngine } from 'dropout-sme';
import {
  assemble, experimentsFor, memoryStore, planUnits, provenance, reproduce, reproduceConfig, resultsText, shardUnits, SECTIONS, type Json,
} from 'dropout-sme/reproduce';
import { TINY } from './_tiny.js';
import { loadMnist } from '../../src/data/mnist.js';
import { MNIST_TRAIN_ROWS } from '../../src/experiments/limits.js';

const engine = await createEngine({ backend: 'wasm' });
const opts = { preset: 'quick' as const, seed: 3, config: TINY };
const whole = await reproduce(engine, opts);
const text = resultsText(whole!);

test('every section is present, with finite headline numbers', () => {
  for (const s of SECTIONS) assert.ok(whole![s], `section ${s}`);
  assert.equal(whole!.sme!.times.length, 3);
  assert.equal(Object.keys(whole!.sme!.methods).sort(), ['dropout-gd', 'gd', 'gd-modified', 'sme1', 'sme2', 'sme2c']);
  assert.equal(whole!.sweep!.series.map((s) => s.method), ['sme1', 'sme2', 'sme2c']);
  assert.equal(whole!.sweep!.series[0]!.errors.length, 2);
  assert.equal(whole!.weakOrder!.map((w) => w.regime), ['drift-dominated', 'noise-dominated']);
  assert.ok(whole!.weakOrder!.every((w) => w.series.map((s) => s.method).join() === 'sme1,sme2,sme2c'));
  assert.equal(whole!.flatness!.runs.length, 3);
  assert.ok(whole!.flatness!.runs.every((r) => r.keep === 0.9));
  // The dropout window carries its linear-response prediction (PCA basis, K = 3 directions).
  const drop = whole!.flatness!.runs.find((r) => r.method === 'dropout' && r.kind === 'trajectory')!;
  assert.equal(drop.predictions!.map((p) => p.basis), ['pca']);
  assert.is(drop.predictions![0]!.window.length, 3);
  assert.equal(drop.predictions![0]!.measured, drop.variances);
  assert.not.ok(whole!.flatness!.runs.some((r) => r.kind === 'gradient' && r.predictions));
  assert.ok(whole!.alignment!.alpha.every((a) => Number.isFinite(a) && a > -1 && a <= 1));
  assert.equal(whole!.provenance.backend, 'wasm');
  assert.not.match(text, /NaN|Infinity/);
});

test('3 shards merged equal the unsharded run, byte for byte', async () => {
  const merged = memoryStore();
  for (let i = 0; i < 3; i++) {
    const store = memoryStore();
    assert.is(await reproduce(engine, { ...opts, store, shard: { index: i, count: 3 } }), null);
    for (const [k, v] of Object.entries(store.entries())) merged.put(k, v as Json);
  }
  const config = reproduceConfig(opts);
  const experiments = experimentsFor(config, SECTIONS);
  const units = planUnits(experiments);
  const sizes = [0, 1, 2].map((i) => shardUnits(units, { index: i, count: 3 }).length);
  assert.is(sizes.reduce((a, b) => a + b, 0), units.length, 'each unit in exactly one shard');
  const r = assemble(experiments, merged, provenance(engine, 3, 'quick', config as unknown as Record<string, unknown>));
  assert.is(resultsText(r), text);
});

test('a run resumed from a partial store, and a rerun, give the same text', async () => {
  const store = memoryStore();
  await reproduce(engine, { ...opts, store, shard: { index: 1, count: 2 } });
  assert.is(resultsText((await reproduce(engine, { ...opts, store }))!), text);
  assert.is(resultsText((await reproduce(engine, opts))!), text);
});

test('the flatness section at two keeps, without the prediction', async () => {
  const r = await reproduce(engine, { ...opts, sections: ['flatness'], config: { ...TINY, flatness: { ...TINY.flatness, keeps: [0.5, 0.9], predict: 'none' } } });
  assert.equal(r!.flatness!.runs.map((x) => `${x.keep} ${x.method} ${x.kind}`), [
    '0.5 dropout trajectory', '0.5 sgd trajectory', '0.5 dropout gradient', '0.9 dropout trajectory', '0.9 sgd trajectory', '0.9 dropout gradient',
  ]);
  assert.not.ok(r!.flatness!.runs.some((x) => x.predictions));
  // The keep-0.9 runs without a prediction are the same measurement as the whole run's.
  assert.is(r!.flatness!.runs[3]!.psi, whole!.flatness!.runs[0]!.psi);
});

test('bad settings are refused before anything runs, naming the setting', async () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ sweep: { keeps: [0.5, 0] } }, /config\.sweep\.keeps\[1\]: expected a keep probability in \(0, 1\]/],
    [{ sme: { lr: -1 } }, /config\.sme\.lr: expected a positive learning rate/],
    [{ weakOrder: { paths: 2.5 } }, /config\.weakOrder\.paths: expected a positive integer/],
    [{ alignment: { stepz: 3 } }, /config\.alignment\.stepz: expected one of the known keys/],
    [{ flatness: { threshold: 1 } }, /config\.flatness\.threshold: expected a threshold c > 1/],
    [{ flatness: { predict: 'pcb' } }, /config\.flatness\.predict: expected 'pca', 'hessian', 'pca,hessian' or 'none'/],
    [{ flatness: { keeps: [0.5, 1.5] } }, /config\.flatness\.keeps\[1\]: expected a keep probability in \(0, 1\]/],
    [{ sme: { data: { source: 'cifar' } } }, /config\.sme\.data\.source: expected 'mnist', 'sine' or 'custom'/],
    [{ sme: 'fast' }, /config\.sme: expected an object/],
    // Nothing capped silently: more rows than the data has, settings that contradict each other.
    [{ sme: { data: { n: 1e7 } } }, /config\.sme\.data\.n: expected at most 8000 \(the rows of the embedded MNIST training set\)/],
    [{ sme: { paths: 1e8 } }, /config\.sme\.paths: expected a positive integer in \[1, 10000000\]/],
    [{ alignment: { every: 41 } }, /config\.alignment\.every: expected at most config\.alignment\.steps = 40/],
    [{ alignment: { eigenpairs: 1e5 } }, /config\.alignment\.eigenpairs: expected at most D = 39760/],
    [{ flatness: { directions: 16 } }, /config\.flatness\.directions: expected an integer in \[2, config\.flatness\.samples − 1 = 15\]/],
    [{ weakOrder: { paths: 1 } }, /config\.weakOrder\.paths: expected an even integer in \[2, 10000000\] \(antithetic SME pairs\)/],
    [{ weakOrder: { paths: 7 } }, /config\.weakOrder\.paths: expected an even integer/],
    [{ weakOrder: { step: 0.03 } }, /config\.weakOrder\.step: expected an integrator step h that divides config\.weakOrder\.lrs\[0\] = 0\.1/],
    [{ sweep: { gdPaths: 0 } }, /config\.sweep\.gdPaths: expected a positive integer/],
    [{ sweep: { time: 1e9 } }, /config\.sweep\.time: expected at most/],
  ];
  for (const [config, message] of bad) {
    let err: unknown;
    try {
      reproduceConfig({ preset: 'quick', config });
    } catch (e) {
      err = e;
    }
    assert.instance(err, ArgumentError);
    assert.match(String((err as Error).message), message);
  }
  // The memory a section needs is estimated before anything is allocated (issue 19: 147 s, then a WASM RangeError).
  const t0 = Date.now();
  await reproduce(engine, { preset: 'quick', sections: ['alignment'], config: { alignment: { net: { hidden: [5000000] } } } }).then(() => assert.unreachable(), (e: unknown) => {
    assert.instance(e, ArgumentError);
    assert.match(String((e as Error).message), /^config\.alignment\.net\.hidden\[0\]: expected at most \d+ with the other settings as they are .*4 GiB of WebAssembly memory/);
  });
  assert.ok(Date.now() - t0 < 2000, 'refused before computing');
  await reproduce(engine, { preset: 'quick', sections: ['nope' as never] }).then(() => assert.unreachable(), (e: unknown) => assert.match(String(e), /options\.sections/));
});

test('the embedded MNIST training split has the rows the settings are checked against', async () => {
  assert.is((await loadMnist()).train.n, MNIST_TRAIN_ROWS);
});

test.after(() => engine.dispose());
test.run();
