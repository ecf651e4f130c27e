/**
 * engine.predictWindow on a small W3-like model (one dropout layer, MSE: L_S and its Hessian in
 * closed form), on WASM: what it builds from the model is checked against independent routes.
 * - H_K = PᵀHP against the dense Hessian of L_S at the window's mean (f32 HVPs);
 * - g_K against P∇L_S(θ̄) (closed form), within the Monte Carlo error of M mask gradients;
 * - δ₀ = P(θ₀ − θ̄), the PCA variances as the measurement, and the predicted variances equal to
 *   linearResponse on the returned H_K, Σ_K, g_K (with Cov ĝ = Σ_K/M) and δ₀;
 * - the Hessian basis: H_K diagonal to Lanczos accuracy, with the top eigenvalues on its diagonal;
 * - the model back at its θ, and bad input named.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, basisVariances, createEngine, linearResponse, pca } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';

const engine = await createEngine({ backend: 'wasm' });
const n = 64, inDim = 6;
const x = randomF32(n * inDim, 31), y = randomF32(n, 32, 0.5);
const data = engine.dataset({ x, y, n, inDim, outDim: 1 });
const model = engine.mlp({ sizes: [inDim, 5, 1], keep: 0.8, seed: 3 });
await engine.train(model, data, { lr: 0.1, steps: 200, seed: 1, lossEvery: 200 });
const theta0 = await model.getParams();
const S = 12, every = 2, settle = 5, lr = 0.1, d = model.size;
// The window: settle steps from θ₀, then S samples every s steps.
await engine.train(model, data, { lr, steps: settle, seed: 2, lossEvery: settle });
const samples = (await engine.train(model, data, { lr, steps: S * every, seed: 2, startStep: settle, lossEvery: S * every, snapshotEvery: every })).snapshots!;
model.setParams(theta0);

test('PCA basis: H_K, g_K, δ₀ and the predicted variances from independent routes', async () => {
  const K = 4, M = 64;
  const p = await engine.predictWindow(model, data, samples, S, { lr, start: theta0, settle, every, k: K, noiseSamples: M, seed: 5 });
  assert.equal(await model.getParams(), theta0, 'the model is back at θ₀');
  const ref = await pca(samples, S, d, K);
  assertWithin('measured = PCA variances', p.measured, ref.variances, 0);
  assertWithin('directions', p.directions, ref.components, 0);
  // At θ̄: the dense Hessian of L_S and ∇L_S (closed forms for one dropout layer with MSE).
  model.setParams(Float32Array.from(ref.mean));
  const h = await engine.hessian(model, data, { of: 'modified' });
  const grad = await model.gradient(data, { mask: 'expected' });
  model.setParams(theta0);
  const proj = (v: ArrayLike<number>) => Array.from({ length: K }, (_, i) => Array.from(v).reduce((s, vj, j) => s + p.directions[i * d + j]! * vj, 0));
  const hk: number[] = [];
  for (let i = 0; i < K; i++) {
    const hp = Array.from({ length: d }, (_, r) => Array.from({ length: d }, (_, c) => h[r * d + c]! * p.directions[i * d + c]!).reduce((a, b) => a + b, 0));
    hk.push(...proj(hp));
  }
  const hmax = Math.max(...hk.map(Math.abs));
  // f32 HVPs (the dense Hessian is also from f32 HVPs): ~1e-6 relative; 1e-4 of the largest entry.
  assertWithin('H_K', p.curvature, hk, 1e-4 * hmax);
  // ḡ is the mean of M mask gradients: each g_K entry within 4 standard errors √(Σ_K,ii/M).
  assertWithin('g_K', p.gradient, proj(grad), Array.from({ length: K }, (_, i) => 4 * Math.sqrt(p.noise[i * K + i]! / M) + 1e-6));
  const delta = Array.from(theta0, (t, j) => t - ref.mean[j]!);
  assertWithin('δ₀', p.start, proj(delta), 1e-9);
  const lin = await linearResponse(
    { k: K, lr, curvature: p.curvature, noise: p.noise, gradient: p.gradient, gradientCovariance: p.noise.map((v) => v / M) },
    p.start, { settle, samples: S, every },
  );
  assertWithin('window variances', p.window, basisVariances(lin.window.covariance, K), 0);
  assert.equal(p.unstable, lin.unstable);
  assert.is(p.stationary === null, lin.covariance === null);
  assertWithin('median ratio', [p.agreement.medianRatio], [[...Array.from(p.window, (w, i) => w / p.measured[i]!)].sort((a, b) => a - b).slice(1, 3).reduce((a, b) => a + b) / 2], 1e-12);
  assert.is(p.flatness.length, K);
});

test('Hessian basis: H_K is diagonal with the top eigenvalues; given flatness is used as it is', async () => {
  const K = 3;
  const flatness = [0.5, 1, 2];
  const p = await engine.predictWindow(model, data, samples, S, { lr, start: theta0, settle, every, k: K, basis: 'hessian', flatness, seed: 5 });
  assert.equal(Array.from(p.flatness), flatness);
  const diag = Array.from({ length: K }, (_, i) => p.curvature[i * K + i]!);
  const scale = Math.max(...diag.map(Math.abs));
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) {
    // Lanczos to 1e-4 relative residual (its default tol): off-diagonal entries of that size.
    if (i !== j) assert.ok(Math.abs(p.curvature[i * K + j]!) <= 2e-3 * scale, `H_K[${i}, ${j}] = ${p.curvature[i * K + j]}`);
  }
  assert.ok(diag[0]! >= diag[1]! && diag[1]! >= diag[2]!, `descending: ${diag}`);
  assertWithin('eigenvalues', [...p.eigenvalues].sort((a, b) => b - a), diag, 2e-3 * scale);
});

test('bad input is named', async () => {
  const refused = async (opts: Record<string, unknown>, name: RegExp, s = samples, count = S) => {
    let err: unknown;
    try {
      await engine.predictWindow(model, data, s, count, { lr, start: theta0, settle, every, ...opts } as never);
    } catch (e) {
      err = e;
    }
    assert.instance(err, ArgumentError);
    assert.match(String((err as Error).message), name);
  };
  await refused({ basis: 'random' }, /options\.basis/);
  await refused({ start: theta0.subarray(1) }, /options\.start/);
  await refused({ flatness: [1, 2] }, /options\.flatness/);
  await refused({ lr: -1 }, /options\.lr/);
  await refused({ k: S }, /options\.k/);
  await refused({}, /samples/, samples.subarray(1));
  assert.equal(await model.getParams(), theta0);
});

test.after(() => engine.dispose());
test.run();
