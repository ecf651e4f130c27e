/**
 * The SME (docs/math.md §4): the mask-pair sampler's covariance equals the enumerated Σ within sampling
 * error; on W4 (1-D sine regression, width 16) the order-1 SME's weak error in g = ‖θ‖² falls
 * with slope in [0.7, 1.3] and the order-2 SME's error is below order 1's at the smallest ε; the
 * two backends agree on a short SME run with the same seed.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTask, type Engine } from 'dropout-sme';
import { exactNoise, type RefNet } from '../helpers/mlp-reference.js';
import { randomF32 } from '../helpers/random.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();
const s = suite('stochastic modified equation');

/** Empirical covariance of ζ from `count` one-step SME increments with a zero drift removed. */
async function samplerCovariance(engine: Engine, noise: 'mask-pair' | 'frozen', count: number) {
  const net: RefNet = { sizes: [2, 5, 1], activation: 'tanh', bias: true, loss: 'mse' };
  const n = 6, keep = 0.5, x = randomF32(n * 2, 31, 2), y = randomF32(n, 32);
  const model = engine.mlp({ sizes: net.sizes, keep, seed: 9 });
  const data = engine.dataset({ x, y, n, inDim: 2, outDim: 1 });
  const theta = await model.getParams();
  const exact = exactNoise(net, theta, x, y, n, keep);
  // One SME step with ε = h = 1: Θ₁ = θ − ∇L_S(θ) + ζ, so ζ = Θ₁ − θ + ∇L_S(θ).
  const grad = await model.gradient(data, { mask: 'expected' });
  const r = await engine.simulate(model, data, { method: 'sme1', lr: 1, steps: 1, paths: count, seed: 4, noise, pairs: 2, samples: 16, refresh: 1, keepFinal: true });
  const d = model.size, z = new Float64Array(count * d);
  for (let p = 0; p < count; p++) for (let i = 0; i < d; i++) z[p * d + i] = r.final![p * d + i]! - theta[i]! + grad[i]!;
  model.dispose();
  data.dispose();
  return { z, d, exact };
}

s('the mask-pair sampler has covariance Σ (enumerated over all 2^5 masks)', async () => {
  const count = 3000;
  const { z, d, exact } = await samplerCovariance(engines.wasm, 'mask-pair', count);
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      let m = 0, sq = 0;
      for (let p = 0; p < count; p++) {
        const v = z[p * d + a]! * z[p * d + b]!;
        m += v / count;
        sq += (v * v) / count;
      }
      // Mean 0 is exact, so E ζ_a ζ_b = Σ_ab; 5 standard errors of the sample mean of ζ_a ζ_b.
      const se = Math.sqrt(Math.max(sq - m * m, 0) / count);
      assert.ok(Math.abs(m - exact.cov[a * d + b]!) <= 5 * se + 1e-7, `Σ[${a},${b}]: ${m} vs ${exact.cov[a * d + b]} (se ${se})`);
    }
  }
});

s('W4: order-1 weak error has slope in [0.7, 1.3]; order 2 is below order 1 at the smallest ε', async () => {
  // Chosen so the errors stand above the Monte Carlo floor: keep 0.9, T = 2, 400 paths per ε.
  const e = engines.wasm;
  const data = e.dataset(sineTask({ n: 20, seed: 1 }));
  const model = e.mlp({ sizes: [1, 16, 1], keep: 0.9, seed: 3 });
  const lrs = [0.2, 0.1, 0.05, 0.025];
  const common = { lrs, time: 2, paths: 400, substeps: 4, seed: 1, bootstrap: 500 };
  const one = await e.weakOrder(model, data, { ...common, order: 1 });
  const two = await e.weakOrder(model, data, { ...common, order: 2 });
  const g = one.normSq;
  console.log(`  W4 ‖θ‖² weak errors (order 1): ${Array.from(g.errors, (v) => v.toExponential(2)).join(' ')}; floors ${Array.from(g.floors, (v) => v.toExponential(2)).join(' ')}; slope ${g.slope.toFixed(2)} [${g.interval.map((v) => v.toFixed(2)).join(', ')}]; order 2 at ε = 0.025: ${two.normSq.errors[3]!.toExponential(2)}`);
  assert.ok(g.fitted.length >= 3, `at least 3 learning rates above twice the floor (got ${g.fitted.length})`);
  assert.ok(g.slope >= 0.7 && g.slope <= 1.3, `order-1 slope ${g.slope}`);
  assert.ok(two.normSq.errors[3]! < g.errors[3]!, `order 2 ${two.normSq.errors[3]} vs order 1 ${g.errors[3]} at ε = 0.025`);
  model.dispose();
  data.dispose();
});

s('WASM and WebGPU agree on a short SME run with the same seed', async () => {
  if (!engines.webgpu) { console.log('  NOTE: WebGPU absent; SME agreement not checked here (required in CI)'); return; }
  const host = { x: randomF32(24, 41, 2), y: randomF32(12, 42), n: 12, inDim: 2, outDim: 1 };
  const finals: Float32Array[] = [];
  for (const e of [engines.wasm, engines.webgpu]) {
    const model = e.mlp({ sizes: [2, 8, 1], keep: 0.7, seed: 2 });
    const data = e.dataset(host);
    const r = await e.simulate(model, data, { method: 'sme2', lr: 0.05, steps: 10, substeps: 2, paths: 2, seed: 6, keepFinal: true });
    finals.push(r.final!);
    model.dispose();
    data.dispose();
  }
  let diff = 0, scale = 0;
  for (let i = 0; i < finals[0]!.length; i++) {
    diff = Math.max(diff, Math.abs(finals[0]![i]! - finals[1]![i]!));
    scale = Math.max(scale, Math.abs(finals[0]![i]!));
  }
  // Same masks and Gaussians on both sides; only f32 rounding differs (as in the training test).
  assert.ok(diff <= 1e-4 * scale, `max |Θ_wasm − Θ_webgpu| = ${diff} (max |Θ| ${scale})`);
});

s('the ε × p sweep returns a keeps × lrs grid, small keeps included', async () => {
  const e = engines.wasm;
  const data = e.dataset(sineTask({ n: 12, seed: 2 }));
  const r = await e.weakOrderSweep({ sizes: [1, 8, 1], seed: 5 }, data, [0.9, 0.5, 0.1], { lrs: [0.1, 0.05], time: 0.5, paths: 20, bootstrap: 10 });
  assert.equal(r.keeps, [0.9, 0.5, 0.1]);
  assert.is(r.normErrors.length, 6);
  assert.ok(Array.from(r.normErrors).every(Number.isFinite) && Array.from(r.lossFloors).every((v) => v >= 0));
  // Each grid row is that keep's own study.
  assert.is(r.normErrors[4], r.studies[2]!.normSq.errors[0]);
  data.dispose();
});

s('bad SME options are refused naming the argument', async () => {
  const e = engines.wasm;
  const model = e.mlp({ sizes: [1, 4, 1], keep: 0.5 });
  const data = e.dataset(sineTask({ n: 8 }));
  for (const [opts, re] of [
    [{ method: 'euler', lr: 0.1, steps: 1 }, /options\.method/],
    [{ method: 'sme1', lr: 0, steps: 1 }, /options\.lr: expected a positive finite learning rate/],
    [{ method: 'sme1', lr: 0.1, steps: 1, noise: 'white' }, /options\.noise/],
  ] as const) {
    let err: unknown = null;
    await e.simulate(model, data, opts as never).catch((x: unknown) => { err = x; });
    assert.match(String(err), re);
  }
  let err: unknown = null;
  await e.weakOrder(model, data, { lrs: [0.1], time: 1, paths: 10 }).catch((x: unknown) => { err = x; });
  assert.match(String(err), /options\.lrs: expected an array of at least two positive learning rates/);
  model.dispose();
  data.dispose();
});

s.after(() => {
  for (const e of present(engines)) e.dispose();
});
s.run();
