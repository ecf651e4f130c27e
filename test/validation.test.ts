/** Bad input gets an error naming the argument and the expectation, on every present backend. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArgumentError, DisposedError, fitLine, gram, pca, projectedVariance, ranks, sineTask, spearman, symmetricEigen, type Engine,
} from 'dropout-sme';
import { present, testEngines } from './helpers/engines.js';

const engines = await testEngines();
const all = present(engines);

function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, type);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${type.name} matching ${pattern}`);
}

for (const engine of all) defineValidation(engine);
for (const engine of all) definePublicApiTable(engine);
definePublicHostTable();

function defineValidation(engine: Engine): void {
  const k = engine.kernels;
  const s = suite(`${engine.backend} input validation`);

  s('sizes and data', () => {
    throwsWith(() => k.create(0), ArgumentError, /size: expected an integer in \[1, /);
    throwsWith(() => k.create(2.5), ArgumentError, /size/);
    throwsWith(() => k.create(4, 'f64' as never), ArgumentError, /dtype: expected 'f32' or 'u32'/);
    throwsWith(() => k.fromArray([1, 2] as never), ArgumentError, /data: expected a Float32Array or Uint32Array/);
    const t = k.create(4);
    throwsWith(() => k.write(t, new Float32Array(5)), ArgumentError, /t: expected at least 5 elements/);
    throwsWith(() => k.write(t, new Float32Array(2), 3), ArgumentError, /at least 5 elements/);
    throwsWith(() => k.copy(t, t, 0, 2, 3), ArgumentError, /dst: expected at least 5 elements/);
    k.dispose(t);
  });

  s('gemm shapes', () => {
    const a = k.create(6), b = k.create(6), c = k.create(4), u = k.create(6, 'u32');
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 2, k: 4 }), ArgumentError, /^a: expected at least 8 elements for this gemm shape, got 6/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 3, k: 3 }), ArgumentError, /^b: expected at least 9 elements/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 3, k: 2 }), ArgumentError, /^c: expected at least 6 elements/);
    throwsWith(() => k.gemm(a, b, c, { m: 0, n: 2, k: 2 }), ArgumentError, /opts\.m: expected an integer/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 2, k: 3, alpha: NaN }), ArgumentError, /opts\.alpha: expected a finite number/);
    throwsWith(() => k.gemm(u, b, c, { m: 2, n: 2, k: 3 }), ArgumentError, /^a: expected a f32 tensor/);
    throwsWith(() => k.gemm(a, b, c, { m: 1, n: 1, k: 1, batch: 2, strideC: 0 }), ArgumentError, /opts\.strideC/);
    for (const t of [a, b, c, u]) k.dispose(t);
  });

  s('kernels name their argument', () => {
    const x = k.create(8), y = k.create(9), out = k.create(1);
    throwsWith(() => k.axpy(1, x, y), ArgumentError, /^y: expected 8 elements like x, got 9/);
    throwsWith(() => k.activation(x, x, 'gelu' as never), ArgumentError, /^kind: expected one of tanh, relu, sigmoid, identity, got "gelu"/);
    throwsWith(() => k.reduce('max' as never, x, null, out), ArgumentError, /^op: expected one of sum, dot, sumsq/);
    throwsWith(() => k.reduce('dot', x, null, out), ArgumentError, /^y: expected a Tensor/);
    throwsWith(() => k.reduce('sum', x, null, out, 1), ArgumentError, /^out: expected at least 2 elements/);
    throwsWith(() => k.mask(x, { keep: 0, units: 8, samples: 1, seed: 1, step: 0, layer: 0 }), ArgumentError, /opts\.keep: expected a number in \(0, 1\], got 0/);
    throwsWith(() => k.mask(x, { keep: 1.5, units: 8, samples: 1, seed: 1, step: 0, layer: 0 }), ArgumentError, /opts\.keep/);
    throwsWith(() => k.mask(x, { keep: 0.5, units: 8, samples: 2, seed: 1, step: 0, layer: 0 }), ArgumentError, /^out: expected at least 16 elements/);
    throwsWith(() => k.mask(x, { keep: 0.5, units: 8, samples: 1, seed: -1, step: 0, layer: 0 }), ArgumentError, /opts\.seed: expected an integer in \[0, 4294967295\]/);
    for (const t of [x, y, out]) k.dispose(t);
  });

  s('a read-only tensor is refused wherever a call would write it, and read everywhere else', async () => {
    const ro = k.fromArray(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), { readOnly: true });
    const w = k.create(8), idx = k.fromArray(new Uint32Array([0, 1]));
    assert.ok(ro.readOnly && !w.readOnly, 'readOnly flags');
    const ro1 = k.fromArray(new Float32Array(1), { readOnly: true }), ro2 = k.fromArray(new Float32Array(2), { readOnly: true });
    const w2 = k.create(2), g8 = k.create(8);
    const calls: Array<[string, () => unknown]> = [
      ['t', () => k.write(ro, new Float32Array(1))],
      ['t', () => k.fill(ro, 0)],
      ['dst', () => k.copy(w, ro)],
      ['c', () => k.gemm(w, w, ro, { m: 2, n: 2, k: 2 })],
      ['y', () => k.activation(w, ro, 'tanh')],
      ['y', () => k.axpy(1, w, ro)],
      ['x', () => k.scale(2, ro)],
      ['out', () => k.mul(w, w, ro)],
      ['out', () => k.reduce('sum', w, null, ro1)],
      ['out', () => k.mask(ro, { keep: 0.5, units: 8, samples: 1, seed: 1, step: 0, layer: 0 })],
      ['out', () => k.broadcast(w, w, ro, { rows: 2, cols: 4, op: 'add' })],
      ['grad', () => k.softmaxXent(w, w, ro, w2, { rows: 2, cols: 4 })],
      ['loss', () => k.softmaxXent(w, w, g8, ro2, { rows: 2, cols: 4 })],
      ['dst', () => k.gatherRows(w, idx, ro, { rows: 2, cols: 4 })],
    ];
    for (const [name, call] of calls) throwsWith(call, ArgumentError, new RegExp(`^${name}: expected a writable tensor: this call writes it, and this one was made read-only`));
    // As an input it is an ordinary tensor.
    k.copy(ro, w);
    assert.equal(Array.from((await k.read(w)) as Float32Array), [1, 2, 3, 4, 5, 6, 7, 8]);
    throwsWith(() => k.fromArray(new Float32Array(2), { readOnly: 1 as never }), ArgumentError, /^options\.readOnly: expected a boolean, got 1/);
    throwsWith(() => k.fromArray(new Float32Array(2), 'x' as never), ArgumentError, /^options: expected an object or undefined/);
    for (const t of [ro, ro1, ro2, w, w2, g8, idx]) k.dispose(t);
  });

  s('disposed tensors and foreign tensors are refused', async () => {
    const x = k.create(4);
    k.dispose(x);
    throwsWith(() => k.scale(2, x), DisposedError, /x: tensor was disposed/);
    let rejected = false;
    await k.read(x).catch((err: unknown) => { rejected = err instanceof DisposedError; });
    assert.ok(rejected, 'read of a disposed tensor rejects with DisposedError');
    const other = all.find((e) => e !== engine);
    if (other) {
      const f = other.kernels.create(4), mine = k.create(4);
      throwsWith(() => k.axpy(1, f, mine), ArgumentError, new RegExp(`^x: expected a tensor of the ${k.name} backend`));
      other.kernels.dispose(f);
      k.dispose(mine);
    }
  });

  s.run();
}

/** A bad call: its label, the call, and the error it must raise (type and message pattern). */
type BadCall = [label: string, call: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp];

/**
 * Runs each call (sync throw or rejected promise both count), bounded by a timeout so a hang
 * fails the test instead of stalling it, and checks the error's type and that its message names
 * the argument. A call that returns normally (e.g. a NaN result) fails.
 */
async function expectAll(calls: BadCall[]): Promise<void> {
  const failures: string[] = [];
  for (const [label, call, type, pattern] of calls) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<'timeout'>((resolve) => { timer = setTimeout(() => resolve('timeout'), 20000); });
    let outcome: unknown;
    try {
      outcome = await Promise.race([Promise.resolve().then(call).then((v) => ({ returned: v })), timeout]);
    } catch (err) {
      outcome = { error: err };
    } finally {
      clearTimeout(timer);
    }
    if (outcome === 'timeout') failures.push(`${label}: no answer within 20 s`);
    else if ('returned' in (outcome as object)) failures.push(`${label}: returned ${String((outcome as { returned: unknown }).returned)} instead of throwing`);
    else {
      const err = (outcome as { error: unknown }).error;
      if (!(err instanceof type)) failures.push(`${label}: threw ${(err as Error)?.name ?? typeof err} (${(err as Error)?.message}), expected ${type.name}`);
      else if (!pattern.test(err.message)) failures.push(`${label}: message "${err.message}" does not match ${pattern}`);
    }
  }
  assert.equal(failures, [], failures.join('\n'));
}

const nanAt = (n: number, i = 0): Float32Array => { const a = new Float32Array(n).fill(0.1); a[i] = NaN; return a; };

/** Every public Engine and Mlp method with bad arguments, on one engine. */
function definePublicApiTable(engine: Engine): void {
  const s = suite(`${engine.backend} public API: bad inputs name the argument`);
  s('engine and model methods', async () => {
    const model = engine.mlp({ sizes: [3, 4, 2], keep: 0.8, seed: 1 });
    const host = sineTask({ n: 6 });
    const x = new Float32Array(18).map((_, i) => Math.sin(i));
    const y = new Float32Array(12).map((_, i) => Math.cos(i));
    const data = engine.dataset({ x, y, n: 6, inDim: 3, outDim: 2 });
    const other = engine.dataset(host); // inDim 1: does not fit the model
    const gone = engine.mlp({ sizes: [3, 4, 2], keep: 0.8 });
    gone.dispose();
    const goneData = engine.dataset({ x, y, n: 6, inDim: 3, outDim: 2 });
    goneData.dispose();
    const D = model.size;
    const dirs = new Float32Array(D).fill(1 / Math.sqrt(D));
    const samples = new Float32Array(3 * D).map((_, i) => Math.sin(i));
    const factor = new Float32Array(2 * D).fill(0.01);
    const train = { lr: 0.1, steps: 2 };
    const A = ArgumentError, Dp = DisposedError;
    const calls: BadCall[] = [
      // engine.mlp
      ['mlp sizes too short', () => engine.mlp({ sizes: [3] }), A, /^options\.sizes:/],
      ['mlp size 0', () => engine.mlp({ sizes: [3, 0, 2] }), A, /^options\.sizes\[1\]:/],
      ['mlp size 2.5', () => engine.mlp({ sizes: [3, 2.5, 2] }), A, /^options\.sizes\[1\]:/],
      ['mlp keep 0', () => engine.mlp({ sizes: [3, 2], keep: 0 }), A, /^options\.keep: expected a number in \(0, 1\]/],
      ['mlp keep 1.5', () => engine.mlp({ sizes: [3, 2], keep: 1.5 }), A, /^options\.keep/],
      ['mlp keep NaN', () => engine.mlp({ sizes: [3, 2], keep: NaN }), A, /^options\.keep/],
      ['mlp seed -1', () => engine.mlp({ sizes: [3, 2], seed: -1 }), A, /^options\.seed/],
      ['mlp null options', () => engine.mlp(null as never), A, /^options:/],
      // engine.dataset
      ['dataset NaN x', () => engine.dataset({ x: nanAt(18, 4), y, n: 6, inDim: 3, outDim: 2 }), A, /x: expected finite values/],
      ['dataset Inf y', () => engine.dataset({ x, y: new Float32Array(12).fill(Infinity), n: 6, inDim: 3, outDim: 2 }), A, /y: expected finite values/],
      ['dataset wrong x length', () => engine.dataset({ x: new Float32Array(17), y, n: 6, inDim: 3, outDim: 2 }), A, /^x: expected n·inDim = 18/],
      ['dataset n 2.5', () => engine.dataset({ x, y, n: 2.5, inDim: 3, outDim: 2 }), A, /n: expected an integer/],
      // model methods
      ['setParams NaN', () => model.setParams(nanAt(D, 3)), A, /^params: expected finite values, got "NaN at index 3"/],
      ['setParams length', () => model.setParams(new Float32Array(D + 1)), A, /^params: expected a Float32Array of length/],
      ['setParams Float64Array', () => model.setParams(new Float64Array(D) as never), A, /^params:/],
      ['hvp NaN v', () => model.hvp(data, nanAt(D)), A, /^v: expected finite values/],
      ['hvp short v', () => model.hvp(data, new Float32Array(D - 1)), A, /^v: expected a Float32Array of length/],
      ['hvp of bogus', () => model.hvp(data, dirs, { of: 'bogus' as never }), A, /^opts\.of:/],
      ['gradient mask bogus', () => model.gradient(data, { mask: 'bogus' as never }), A, /^opts\.mask:/],
      ['gradient mask seed 1.5', () => model.gradient(data, { mask: { seed: 1.5, step: 0 } }), A, /^opts\.mask\.seed:/],
      ['gradient samples 0', () => model.gradient(data, { mask: 'expected', samples: 0 }), A, /^opts\.samples:/],
      ['modifiedLoss samples 1.5', () => model.modifiedLoss(data, { samples: 1.5 }), A, /^opts\.samples:/],
      ['dropoutLoss step -1', () => model.dropoutLoss(data, { seed: 0, step: -1 }), A, /^draw\.step:/],
      ['loss of a mismatched data set', () => model.loss(other), A, /^data: expected inDim 3/],
      ['loss of null', () => model.loss(null as never), A, /^data: expected a dataset/],
      ['loss of a disposed data set', () => model.loss(goneData), Dp, /^data: dataset was disposed/],
      ['disposed model loss', () => gone.loss(data), Dp, /disposed/],
      ['disposed model getParams', () => gone.getParams(), Dp, /disposed/],
      ['disposed model setParams', () => gone.setParams(new Float32Array(D)), Dp, /disposed/],
      ['disposed model gradient', () => gone.gradient(data), Dp, /disposed/],
      ['disposed model hvp', () => gone.hvp(data, dirs), Dp, /disposed/],
      ['disposed model predict', () => gone.predict(data), Dp, /disposed/],
      // engine.train
      ['train lr 0', () => engine.train(model, data, { lr: 0, steps: 1 }), A, /^options\.lr:/],
      ['train lr -0.1', () => engine.train(model, data, { lr: -0.1, steps: 1 }), A, /^options\.lr:/],
      ['train lr NaN', () => engine.train(model, data, { lr: NaN, steps: 1 }), A, /^options\.lr:/],
      ['train lr Infinity', () => engine.train(model, data, { lr: Infinity, steps: 1 }), A, /^options\.lr:/],
      ['train steps 1.5', () => engine.train(model, data, { lr: 0.1, steps: 1.5 }), A, /^options\.steps:/],
      ['train steps 0', () => engine.train(model, data, { lr: 0.1, steps: 0 }), A, /^options\.steps:/],
      ['train batchSize 0', () => engine.train(model, data, { ...train, batchSize: 0 }), A, /^options\.batchSize:/],
      ['train lossEvery 0.5', () => engine.train(model, data, { ...train, lossEvery: 0.5 }), A, /^options\.lossEvery:/],
      ['train startStep -1', () => engine.train(model, data, { ...train, startStep: -1 }), A, /^options\.startStep:/],
      ['train isotropicNoise NaN', () => engine.train(model, data, { ...train, isotropicNoise: NaN }), A, /^options\.isotropicNoise:/],
      ['train checkpointEvery 1.5', () => engine.train(model, data, { ...train, checkpointEvery: 1.5 }), A, /^options\.checkpointEvery:/],
      ['train a disposed model', () => engine.train(gone, data, train), Dp, /disposed/],
      ['train on a disposed data set', () => engine.train(model, goneData, train), Dp, /^data: dataset was disposed/],
      // curvature
      ['hessianEigen k 0', () => engine.hessianEigen(model, data, { k: 0 }), A, /^options\.k:/],
      ['hessianEigen k 2.5', () => engine.hessianEigen(model, data, { k: 2.5 }), A, /^options\.k:/],
      ['hessianEigen tol NaN', () => engine.hessianEigen(model, data, { tol: NaN }), A, /^options\.tol:/],
      ['hessianEigen of bogus', () => engine.hessianEigen(model, data, { of: 'bogus' as never }), A, /^opts\.of:/],
      ['hessianTrace probes 1', () => engine.hessianTrace(model, data, { probes: 1 }), A, /^options\.probes:/],
      ['hessianTrace probes 2.5', () => engine.hessianTrace(model, data, { probes: 2.5 }), A, /^options\.probes:/],
      ['hessianDensity sigma NaN', () => engine.hessianDensity(model, data, { sigma: NaN }), A, /^options\.sigma:/],
      ['hessianDensity sigma Infinity', () => engine.hessianDensity(model, data, { sigma: Infinity }), A, /^options\.sigma:/],
      ['hessian samples 0', () => engine.hessian(model, data, { of: 'modified', samples: 0 }), A, /^opts\.samples:/],
      ['hessian of a disposed model', () => engine.hessian(gone, data), Dp, /disposed/],
      // noise and SME
      ['noiseFactor samples 1', () => engine.noiseFactor(model, data, { samples: 1 }), A, /^options\.samples:/],
      ['noiseFactor samples 2.5', () => engine.noiseFactor(model, data, { samples: 2.5 }), A, /^options\.samples:/],
      ['noiseFactor disposed model', () => engine.noiseFactor(gone, data), Dp, /disposed/],
      ['simulate lr 0', () => engine.simulate(model, data, { method: 'sme1', lr: 0, steps: 1 }), A, /^options\.lr:/],
      ['simulate lr NaN', () => engine.simulate(model, data, { method: 'sme1', lr: NaN, steps: 1 }), A, /^options\.lr:/],
      ['simulate method', () => engine.simulate(model, data, { method: 'bogus' as never, lr: 0.1, steps: 1 }), A, /^options\.method:/],
      ['simulate steps 1.5', () => engine.simulate(model, data, { method: 'sme1', lr: 0.1, steps: 1.5 }), A, /^options\.steps:/],
      ['simulate paths 0', () => engine.simulate(model, data, { method: 'sme1', lr: 0.1, steps: 1, paths: 0 }), A, /^options\.paths:/],
      ['weakOrder one lr', () => engine.weakOrder(model, data, { lrs: [0.1], time: 1, paths: 2 }), A, /^options\.lrs:/],
      ['weakOrder lr NaN', () => engine.weakOrder(model, data, { lrs: [0.1, NaN], time: 1, paths: 2 }), A, /^options\.lrs:/],
      ['weakOrder lr 0', () => engine.weakOrder(model, data, { lrs: [0.1, 0], time: 1, paths: 2 }), A, /^options\.lrs:/],
      ['weakOrder time Infinity', () => engine.weakOrder(model, data, { lrs: [0.1, 0.05], time: Infinity, paths: 2 }), A, /^options\.time:/],
      ['weakOrder paths 1', () => engine.weakOrder(model, data, { lrs: [0.1, 0.05], time: 1, paths: 1 }), A, /^options\.paths:/],
      ['weakOrder method', () => engine.weakOrder(model, data, { lrs: [0.1, 0.05], time: 1, paths: 2, method: 'sme3' as never }), A, /^options\.method: expected 'sme1', 'sme2', 'sme2c'/],
      ['simulateRichardson method', () => engine.simulateRichardson(model, data, { method: 'dropout-gd' as never, lr: 0.1, steps: 1, step: 0.1, paths: 2 }), A, /^options\.method: expected 'sme1', 'sme2', 'sme2c'/],
      ['simulate antithetic sme2c without noise', () => engine.simulate(model, data, { method: 'sme2c', lr: 0.1, steps: 1, paths: 2, antithetic: true, noise: 'none' }), A, /^options\.antithetic: expected false unless an SME method \('sme1', 'sme2', 'sme2c'\) runs with noise/],
      ['weakOrderSweep keep 1.5', () => engine.weakOrderSweep({ sizes: [3, 4, 2] }, data, [0.5, 1.5], { lrs: [0.1, 0.05], time: 1, paths: 2 }), A, /^keeps:/],
      ['weakOrderSweep keep 0', () => engine.weakOrderSweep({ sizes: [3, 4, 2] }, data, [0], { lrs: [0.1, 0.05], time: 1, paths: 2 }), A, /^keeps:/],
      // structure
      ['varianceFlatness NaN sample', () => engine.varianceFlatness(model, data, nanAt(3 * D, 5), 3), A, /^samples: expected finite values/],
      ['varianceFlatness wrong length', () => engine.varianceFlatness(model, data, new Float32Array(3 * D - 1), 3), A, /^samples:/],
      ['varianceFlatness count 1', () => engine.varianceFlatness(model, data, samples, 1), A, /^count:/],
      ['varianceFlatness count 2.5', () => engine.varianceFlatness(model, data, samples, 2.5), A, /^count:/],
      ['varianceFlatness k 5', () => engine.varianceFlatness(model, data, samples, 3, { k: 5 }), A, /^options\.k:/],
      ['flatness NaN centre', () => engine.flatness(model, data, nanAt(D), dirs, 1), A, /^centre: expected finite values/],
      ['flatness short centre', () => engine.flatness(model, data, new Float32Array(D - 1), dirs, 1), A, /^centre:/],
      ['flatness NaN direction', () => engine.flatness(model, data, dirs, nanAt(D), 1), A, /^directions: expected finite values/],
      ['flatness k 0', () => engine.flatness(model, data, dirs, dirs, 0), A, /^k:/],
      ['flatness k 1.5', () => engine.flatness(model, data, dirs, dirs, 1.5), A, /^k:/],
      ['flatness c 1', () => engine.flatness(model, data, dirs, dirs, 1, { c: 1 }), A, /^options\.c:/],
      ['flatness s0 NaN', () => engine.flatness(model, data, dirs, dirs, 1, { s0: NaN }), A, /^options\.s0:/],
      ['flatness tol 0', () => engine.flatness(model, data, dirs, dirs, 1, { tol: 0 }), A, /^options\.tol:/],
      ['alignment NaN factor', () => engine.alignment(model, data, nanAt(2 * D, 7), 2), A, /^factor: expected finite values/],
      ['alignment wrong factor length', () => engine.alignment(model, data, factor, 3), A, /^factor:/],
      ['alignment m 0', () => engine.alignment(model, data, factor, 0), A, /^m:/],
      ['alignment hessianNorm NaN', () => engine.alignment(model, data, factor, 2, { hessianNorm: NaN }), A, /^options\.hessianNorm:/],
      ['alignmentOverTraining lr 0', () => engine.alignmentOverTraining(model, data, { lr: 0, steps: 2, every: 1 }), A, /^options\.lr:/],
      ['alignmentOverTraining every 0', () => engine.alignmentOverTraining(model, data, { lr: 0.1, steps: 2, every: 0 }), A, /^options\.every:/],
      ['matchedNoise samples 1', () => engine.matchedNoise(model, data, { samples: 1 }), A, /^options\.samples:/],
      ['matchedNoise probeBatch 6', () => engine.matchedNoise(model, data, { probeBatch: 6 }), A, /^options\.probeBatch:/],
    ];
    const before = await model.getParams();
    await expectAll(calls);
    assert.equal(Array.from(await model.getParams()), Array.from(before), 'refused calls leave the parameters untouched');
    for (const t of [model, data, other]) t.dispose();
  });
  s.run();
}

/** Host-side analyses exported from the package. */
function definePublicHostTable(): void {
  const s = suite('host-side public functions: bad inputs name the argument');
  s('pca, projectedVariance, fitLine, spearman, ranks, linalg', async () => {
    const A = ArgumentError;
    const good = new Float64Array(12).map((_, i) => Math.sin(i));
    const bad = Float64Array.from(good);
    bad[5] = NaN;
    await expectAll([
      ['pca NaN sample', () => pca(bad, 3, 4), A, /^samples: expected finite values/],
      ['pca s 1', () => pca(good, 1, 12), A, /^s:/],
      ['pca d 0', () => pca(new Float64Array(0), 3, 0), A, /^d:/],
      ['pca wrong length', () => pca(good, 3, 5), A, /^samples:/],
      ['pca k 3', () => pca(good, 3, 4, 3), A, /^k:/],
      ['projectedVariance NaN', () => projectedVariance(bad, 3, 4, good, 1), A, /^samples: expected finite values/],
      ['projectedVariance NaN vector', () => projectedVariance(good, 3, 4, bad, 2), A, /^vectors: expected finite values/],
      ['projectedVariance k 1.5', () => projectedVariance(good, 3, 4, good, 1.5), A, /^k:/],
      ['fitLine lengths', () => fitLine([1, 2, 3], [1, 2]), A, /^y:/],
      ['fitLine NaN', () => fitLine([1, NaN, 3], [1, 2, 3]), A, /^x: expected finite values/],
      ['fitLine one point', () => fitLine([1], [1]), A, /^x:/],
      ['fitLine bootstrap 1.5', () => fitLine([1, 2, 3], [1, 2, 3], 1.5), A, /^bootstrap:/],
      ['spearman lengths', () => spearman([1, 2, 3], [1, 2]), A, /^y:/],
      ['spearman Inf', () => spearman([1, 2, 3], [1, Infinity, 3]), A, /^y: expected finite values/],
      ['ranks NaN', () => ranks([1, NaN]), A, /^x: expected finite values/],
      ['symmetricEigen NaN', () => symmetricEigen(Float64Array.from([1, NaN, NaN, 1]), 2), A, /^a:/],
      ['symmetricEigen n 1.5', () => symmetricEigen(Float64Array.from([1, 0, 0, 1]), 1.5), A, /^n:/],
      ['gram rows 0', () => gram(good, 0, 12), A, /^rows:/],
    ]);
  });
  s.run();
}

const end = suite('cleanup');
end('engines dispose', () => {
  for (const e of all) e.dispose();
});
end.run();
