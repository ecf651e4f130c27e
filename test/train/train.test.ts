/**
 * Training: the two backends follow the same dropout GD trajectory, SGD and GD lower the loss,
 * snapshots are recorded, and bad input is refused with errors naming the argument.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, DivergenceError } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();
const s = suite('training');

/** A smooth regression task: y = tanh of a fixed random projection of x. */
function task(n: number, d: number, c: number, seed: number) {
  const x = randomF32(n * d, seed), w = randomF32(d * c, seed + 1);
  const y = new Float32Array(n * c);
  for (let i = 0; i < n; i++) for (let j = 0; j < c; j++) {
    let t = 0;
    for (let p = 0; p < d; p++) t += x[i * d + p]! * w[p * c + j]!;
    y[i * c + j] = Math.tanh(t);
  }
  return { x, y, n, inDim: d, outDim: c };
}

s('WASM and WebGPU agree on θ after 200 dropout GD steps with the same seed', async () => {
  if (!engines.webgpu) { console.log('  NOTE: WebGPU absent; backend agreement not checked here (required in CI)'); return; }
  const host = task(64, 8, 4, 5);
  const params: Float32Array[] = [];
  for (const e of [engines.wasm, engines.webgpu]) {
    const model = e.mlp({ sizes: [8, 32, 32, 4], keep: 0.8, seed: 11 });
    const data = e.dataset(host);
    await e.train(model, data, { lr: 0.1, steps: 200, seed: 3 });
    params.push(await model.getParams());
    model.dispose();
    data.dispose();
  }
  let diff = 0, scale = 0;
  for (let i = 0; i < params[0]!.length; i++) {
    diff = Math.max(diff, Math.abs(params[0]![i]! - params[1]![i]!));
    scale = Math.max(scale, Math.abs(params[0]![i]!));
  }
  // Same masks on both sides (bit-identical generator), so only rounding differs: each step's
  // gradient differs by ≲ 2γ_64·|g| ≈ 8e-6 relative; over 200 steps of this non-expanding descent
  // that accumulates to ≲ 200 · lr · 8e-6 · max|g| ≪ 1e-4 · max|θ|. Observed: see the message.
  assert.ok(diff <= 1e-4 * scale, `max |θ_wasm − θ_webgpu| = ${diff} (max |θ| = ${scale})`);
  console.log(`  200-step dropout GD: max |θ_wasm − θ_webgpu| = ${diff.toExponential(2)} (max |θ| ${scale.toFixed(3)})`);
});

for (const e of present(engines)) {
  s(`${e.backend}: dropout GD and SGD lower the loss; snapshots and loss steps are recorded`, async () => {
    const host = task(200, 6, 2, 9);
    const data = e.dataset(host);
    for (const batchSize of [undefined, 32]) {
      const model = e.mlp({ sizes: [6, 24, 2], keep: 0.9, seed: 1 });
      const before = await model.loss(data);
      const r = await e.train(model, data, { lr: 0.2, steps: 300, seed: 2, batchSize, lossEvery: 10, snapshotEvery: 100 });
      const after = await model.loss(data);
      assert.ok(after < 0.5 * before, `batch ${batchSize ?? 'full'}: R_S ${before} → ${after}`);
      assert.is(r.losses.length, 30);
      assert.equal(Array.from(r.lossSteps.slice(0, 3)), [0, 10, 20]);
      assert.ok(r.losses.every(Number.isFinite));
      assert.is(r.snapshots!.length, 3 * model.size);
      assert.equal(Array.from(r.snapshotSteps), [100, 200, 300]);
      assert.equal(Array.from(r.snapshots!.subarray(2 * model.size)), Array.from(await model.getParams()), 'the last snapshot is the final θ');
      model.dispose();
    }
    data.dispose();
  });

  s(`${e.backend}: divergence is caught within checkEvery steps, with the step and the value`, async () => {
    const host = task(40, 6, 2, 3);
    const data = e.dataset(host);
    const model = e.mlp({ sizes: [6, 16, 2], seed: 1 });
    let err: unknown = null;
    await e.train(model, data, { lr: 50, steps: 400, seed: 1, checkEvery: 10 }).catch((x: unknown) => { err = x; });
    assert.instance(err, DivergenceError);
    const de = err as DivergenceError;
    assert.ok(de.step < 400 && (de.step + 1) % 10 === 0, `stopped at step ${de.step}`);
    assert.match(de.message, /^diverged at step \d+: loss /);
    model.dispose();
    data.dispose();
  });

  s(`${e.backend}: a run shorter than checkEvery is still checked at its end: it throws, it never returns NaN losses`, async () => {
    const data = e.dataset(task(40, 6, 2, 3));
    const model = e.mlp({ sizes: [6, 16, 2], seed: 1 });
    for (const steps of [1, 2, 5]) {
      model.setParams(new Float32Array(model.size).fill(0.1));
      let err: unknown = null;
      const r = await e.train(model, data, { lr: 1e30, steps, seed: 1 }).catch((x: unknown) => { err = x; return null; });
      assert.is(r, null, `${steps} steps: no result`);
      assert.instance(err, DivergenceError, `${steps} steps`);
      assert.ok((err as DivergenceError).step <= steps, `the step is within the run (${(err as DivergenceError).step})`);
    }
    model.dispose();
    data.dispose();
  });

  s(`${e.backend}: an AbortSignal stops training between steps with the signal's reason`, async () => {
    const data = e.dataset(task(40, 6, 2, 3));
    const model = e.mlp({ sizes: [6, 16, 2], seed: 1 });
    const before = await model.getParams();
    const stop = new Error('stop');
    await e.train(model, data, { lr: 0.01, steps: 10, signal: AbortSignal.abort(stop) }).then(() => assert.unreachable(), (x: unknown) => assert.is(x, stop));
    assert.equal(await model.getParams(), before, 'aborted before the first step: θ untouched');
    // Aborted from a timer while running: 10^7 steps would take minutes; the abort arrives between steps.
    const ac = new AbortController(), t0 = Date.now();
    setTimeout(() => ac.abort(stop), 50);
    await e.train(model, data, { lr: 0.01, steps: 1e7, signal: ac.signal }).then(() => assert.unreachable(), (x: unknown) => assert.is(x, stop));
    assert.ok(Date.now() - t0 < 5000, `stopped after ${Date.now() - t0} ms`);
    await e.train(model, data, { lr: 0.01, steps: 2, signal: 'stop' as never }).then(() => assert.unreachable(), (x: unknown) => assert.match(String(x), /options\.signal: expected an AbortSignal/));
    model.dispose();
    data.dispose();
  });

  s(`${e.backend}: bad models, data and options are refused naming the argument`, async () => {
    const throwsArg = (fn: () => unknown, re: RegExp) => assert.throws(fn, (err: unknown) => err instanceof ArgumentError && re.test((err as Error).message));
    throwsArg(() => e.mlp({ sizes: [3] }), /options\.sizes: expected an array of at least two layer sizes/);
    throwsArg(() => e.mlp({ sizes: [3, 0, 1] }), /options\.sizes\[1\]: expected an integer/);
    throwsArg(() => e.mlp({ sizes: [3, 4, 1], keep: 0 }), /options\.keep: expected a number in \(0, 1\], got 0/);
    throwsArg(() => e.mlp({ sizes: [3, 4, 1], keep: 1.2 }), /options\.keep/);
    throwsArg(() => e.mlp({ sizes: [3, 4, 1], activation: 'gelu' as never }), /options\.activation/);
    throwsArg(() => e.dataset({ x: new Float32Array(0), y: new Float32Array(0), n: 0, inDim: 3, outDim: 1 }), /n: expected/);
    throwsArg(() => e.dataset({ x: new Float32Array([1, NaN, 3]), y: new Float32Array(1), n: 1, inDim: 3, outDim: 1 }), /x: expected finite values, got NaN at index 1/);
    throwsArg(() => e.dataset({ x: new Float32Array(5), y: new Float32Array(2), n: 2, inDim: 3, outDim: 1 }), /x: expected/);
    const model = e.mlp({ sizes: [3, 4, 1] });
    const data = e.dataset({ x: new Float32Array(6), y: new Float32Array(2), n: 2, inDim: 3, outDim: 1 });
    const wrong = e.dataset({ x: new Float32Array(4), y: new Float32Array(2), n: 2, inDim: 2, outDim: 1 });
    let err: unknown = null;
    await model.loss(wrong).catch((x: unknown) => { err = x; });
    assert.ok(err instanceof ArgumentError && /data: expected inDim 3/.test((err as Error).message), String(err));
    err = null;
    await e.train(model, data, { lr: -1, steps: 10 }).catch((x: unknown) => { err = x; });
    assert.ok(err instanceof ArgumentError && /options\.lr: expected a positive finite learning rate/.test((err as Error).message), String(err));
    throwsArg(() => model.setParams(new Float32Array(3)), /params: expected a Float32Array of length 21/);
    model.dispose();
    data.dispose();
    wrong.dispose();
  });
}

s.after(() => {
  for (const e of present(engines)) e.dispose();
});
s.run();
