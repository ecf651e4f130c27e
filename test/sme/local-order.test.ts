/**
 * The SME's local order (docs/math.md §4), without long runs: from a fixed θ, one learning-rate
 * step of length ε.
 *
 * Mean displacement: dropout GD's is −ε∇L_S exactly. The SME's deterministic part (its drift flow,
 * noise 'none') is integrated with the certified integrator (h, h/2, h/4, Richardson) at a step h
 * that does not shrink with ε; its gap to −ε∇L_S is ε²/2·H∇L_S + O(ε³) for order 1 and O(ε³) for
 * order 2 (the order-2 drift cancels the ε² term). The noise's own effect on the mean,
 * (ε³/4)Σ:∇²b, is O(ε³) and left out here: it changes no slope.
 *
 * Covariance: dropout GD's one-step covariance is ε²Σ(θ). The SME's is ε²Σ − (ε³/2)(HΣ + ΣH) +
 * O(ε³) terms, so its gap is O(ε³) for both orders. ε²Σ is realised exactly, path by path, by one
 * Euler–Maruyama step of length ε coupled to the finest run (its noise is the fine run's
 * increments summed, evaluated at θ: covariance exactly ε²Σ(θ)), so the gap is estimated from
 * common random numbers and its Monte Carlo error is bootstrapped over antithetic pairs.
 *
 * Slopes are least-squares fits of log gap on log ε with a 95 % t-interval (2 degrees of freedom
 * over 4 learning rates). Declared before measuring: the ladders, h, paths and seeds below.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { extrapolate, sineTask, type DeviceDataset, type Engine, type Mlp, type SmeMethod } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();
const s = suite('SME local order');

/** Least-squares slope of log y on log x with its 95 % t-interval (n − 2 degrees of freedom). */
function logSlope(x: number[], y: number[]): { slope: number; half: number } {
  const lx = x.map(Math.log), ly = y.map(Math.log), n = x.length;
  const mx = lx.reduce((a, b) => a + b, 0) / n, my = ly.reduce((a, b) => a + b, 0) / n;
  let sxx = 0, sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (lx[i]! - mx) ** 2;
    sxy += (lx[i]! - mx) * (ly[i]! - my);
  }
  const slope = sxy / sxx;
  let rss = 0;
  for (let i = 0; i < n; i++) rss += (ly[i]! - my - slope * (lx[i]! - mx)) ** 2;
  const T975 = [NaN, NaN, 4.303, 3.182, 2.776, 2.571][n] ?? 2.5; // Student t, n − 2 degrees of freedom
  return { slope, half: T975 * Math.sqrt(rss / (n - 2) / sxx) };
}

/**
 * ‖E Θ_ε − θ + ε∇L_S‖ for the SME's drift flow, and its integrator error (Richardson's estimate,
 * which also holds the float32 rounding of the three runs: they differ in every sub-step).
 */
async function meanGap(e: Engine, model: Mlp, data: DeviceDataset, method: 'sme1' | 'sme2', lr: number, step: number) {
  const theta = await model.getParams(), grad = await model.gradient(data, { mask: 'expected' }), D = theta.length;
  const r = await e.simulateRichardson(model, data, { method, lr, steps: 1, step, paths: 2, noise: 'none', keepFinal: true });
  const [a, b, c] = r.levels.map((l) => l.final!.subarray(0, D));
  const x = extrapolate(a!, b!, c!, 1);
  let gap = 0, err = 0;
  for (let i = 0; i < D; i++) {
    gap += (x.value[i]! - theta[i]! + lr * grad[i]!) ** 2;
    err += x.error[i]! ** 2;
  }
  return { gap: Math.sqrt(gap), integrator: Math.sqrt(err) };
}

async function meanOrders(e: Engine, model: Mlp, data: DeviceDataset, lrs: number[], step: number, label: string) {
  for (const [method, expected] of [['sme1', 2], ['sme2', 3]] as const) {
    const rows = [];
    for (const lr of lrs) rows.push(await meanGap(e, model, data, method, lr, step));
    const fit = logSlope(lrs, rows.map((r) => r.gap));
    console.log(`  ${label} ${method}: mean-displacement gaps ${rows.map((r) => r.gap.toExponential(2)).join(' ')} (integrator ${rows.map((r) => r.integrator.toExponential(1)).join(' ')}); slope ${fit.slope.toFixed(2)} ± ${fit.half.toFixed(2)}`);
    // Every gap stands above twice its integrator (and rounding) error.
    rows.forEach((r, i) => assert.ok(r.gap > 2 * r.integrator, `${method} ε = ${lrs[i]}: gap ${r.gap} vs integrator ${r.integrator}`));
    // The next term of the expansion is one power of ε smaller; over ε ≤ 0.08·λ-scaled ladders it
    // lowers the fitted slope by at most about 0.15 (measured local slopes rise to the limit).
    assert.ok(Math.abs(fit.slope - expected) <= 0.15, `${method}: slope ${fit.slope} (expected ${expected})`);
    assert.ok(fit.half <= 0.2, `${method}: interval ±${fit.half}`);
  }
}

s('W4 (1-16-1 tanh, keep 0.9): the mean displacement gap falls like ε² (order 1) and ε³ (order 2)', async () => {
  const e = engines.wasm;
  const data = e.dataset(sineTask({ n: 20, seed: 1 }));
  const model = e.mlp({ sizes: [1, 16, 1], keep: 0.9, seed: 1 });
  // λ_max ≈ 6.5 at this θ: ε·λ_max ≤ 0.52 over the ladder; h = 0.00125 for every ε.
  await meanOrders(e, model, data, [0.08, 0.04, 0.02, 0.01], 0.00125, 'W4');
  model.dispose();
  data.dispose();
});

s('W3-sized net (784-50-10 tanh, keep 0.9, 100 digits): the same orders', async () => {
  const e = engines.wasm;
  const { train } = await loadMnist();
  const n = 100;
  const data = e.dataset({ x: train.x.slice(0, n * 784), y: train.y.slice(0, n * 10), n, inDim: 784, outDim: 10 });
  const model = e.mlp({ sizes: [784, 50, 10], keep: 0.9, seed: 1 });
  // λ_max ≈ 17 early on W3: a ladder half as large keeps ε·λ_max ≤ 0.7.
  await meanOrders(e, model, data, [0.04, 0.02, 0.01, 0.005], 0.00125, 'W3-sized');
  model.dispose();
  data.dispose();
});

/**
 * The SME's one-step covariance gap tr Cov(Θ_ε − θ) − ε² tr Σ(θ) at one ε, with its bootstrap
 * standard error and integrator error. Dropout GD's ε²Σ(θ) is realised path by path by one
 * order-1 step of length ε whose noise is the finest run's increments summed (its drift is
 * deterministic and does not enter a covariance); the SME runs with the certified integrator.
 */
async function covarianceGap(e: Engine, model: Mlp, data: DeviceDataset, method: SmeMethod, lr: number, paths: number, seed: number) {
  const D = model.size, k = 4, step = lr / k;
  const theta = await model.getParams();
  const r = await e.simulateRichardson(model, data, { method, lr, steps: 1, step, paths, seed, pairs: 1, keepFinal: true });
  const one = await e.simulate(model, data, { method: 'sme1', lr, steps: 1, substeps: 1, coupling: 4 * k, paths, seed, pairs: 1, antithetic: true, recordEvery: 1, keepFinal: true });
  const finals = [...r.levels.map((l) => l.final!), one.final!];
  // tr Cov of each run over a set of pairs; the gap is Richardson's (2·h/4 − h/2) minus the one-step run's.
  const gapOf = (pairs: number[]) => {
    const tr = finals.map((f) => {
      const m = new Float64Array(D);
      let sq = 0;
      for (const q of pairs) for (const p of [2 * q, 2 * q + 1]) for (let j = 0; j < D; j++) {
        const y = f[p * D + j]! - theta[j]!;
        m[j]! += y;
        sq += y * y;
      }
      const c = 2 * pairs.length;
      let mm = 0;
      for (let j = 0; j < D; j++) mm += (m[j]! / c) ** 2;
      return sq / c - mm;
    });
    return { gap: 2 * tr[2]! - tr[1]! - tr[3]!, integrator: (3 * tr[1]! - tr[0]! - 2 * tr[2]!) / 3, scale: tr[3]! };
  };
  const all = Array.from({ length: paths / 2 }, (_, q) => q);
  const est = gapOf(all);
  // Bootstrap over antithetic pairs (the independent units) for the gap's Monte Carlo error.
  let x = 0x9e3779b9 ^ seed;
  const next = () => ((x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0), x / 4294967296);
  const boots = Array.from({ length: 200 }, () => gapOf(all.map(() => Math.floor(next() * all.length))).gap);
  const mean = boots.reduce((a, b) => a + b, 0) / boots.length;
  const se = Math.sqrt(boots.reduce((a, b) => a + (b - mean) ** 2, 0) / (boots.length - 1));
  return { ...est, se };
}

s('W4: the one-step covariance gap to ε²Σ falls like ε³ for both orders', async () => {
  const e = engines.wasm;
  const data = e.dataset(sineTask({ n: 20, seed: 1 }));
  const model = e.mlp({ sizes: [1, 16, 1], keep: 0.9, seed: 1 });
  const lrs = [0.16, 0.08, 0.04, 0.02], paths = 1000;
  for (const method of ['sme1', 'sme2'] as const) {
    const gaps: number[] = [];
    for (const [i, lr] of lrs.entries()) {
      const est = await covarianceGap(e, model, data, method, lr, paths, 11 + i);
      console.log(`  W4 ${method} ε = ${lr}: tr Cov gap ${est.gap.toExponential(3)} (ε²tr Σ ≈ ${est.scale.toExponential(3)}), Monte Carlo se ${est.se.toExponential(1)}, integrator ${Math.abs(est.integrator).toExponential(1)}`);
      assert.ok(Math.abs(est.gap) > 2 * est.se && Math.abs(est.gap) > 2 * Math.abs(est.integrator), `${method} ε = ${lr}: gap ${est.gap} not above its floors (se ${est.se}, integrator ${est.integrator})`);
      gaps.push(Math.abs(est.gap));
    }
    const fit = logSlope(lrs, gaps);
    console.log(`  W4 ${method}: covariance gap slope ${fit.slope.toFixed(2)} ± ${fit.half.toFixed(2)}`);
    // O(ε³) with O(ε⁴) corrections of relative size ελ_max ≤ 1 at the top of the ladder; the
    // Monte Carlo error (bootstrapped above) adds a few per cent per point.
    assert.ok(Math.abs(fit.slope - 3) <= 0.35, `${method}: covariance gap slope ${fit.slope}`);
  }
  model.dispose();
  data.dispose();
});

/**
 * At a stationary point of L_S (∇L_S = 0, so every drift-dependent O(ε³) term vanishes) the
 * order-1 SME's one-step covariance is ε²Σ − (ε³/2)(HΣ + ΣH) + O(ε⁴), and the corrected
 * diffusion D = Σ + (ε/2)(HΣ + ΣH) cancels that term: its gap is O(ε⁴) (docs/math.md §4.7).
 * So the ratio of the corrected gap to order 1's falls like ε. The check is the theory's: the
 * ratio's log–log slope is 1 ± 0.5 (the O(ε²) relative corrections at ελ_max ≤ 1.3 move the ε³
 * slopes of the test above by up to 0.35, and the ratio carries the corrections of both gaps),
 * and the corrected gap is the smaller at every ε. The ladder is the test above's; the paths were
 * raised to 2,000 after an exploratory run (not a declared one) with 1,000 left the corrected gap's
 * standard error at 15–30 % of it; that run and one with 4,000 paths measured ratios of about
 * 0.4, 0.25, 0.18, 0.09 (from the initialisation before the stream registry; with it the test
 * measures 0.42, 0.29, 0.14, 0.07). The stationary point is GD on L_S from W4's initialisation
 * (60,000 steps of ε = 0.25: ‖∇L_S‖ ≈ 3·10⁻⁴, λ_max ≈ 8.0).
 */
s('W4 at a stationary point: the covariance gap of the corrected diffusion is O(ε⁴), one order below order 1', async () => {
  const e = engines.wasm;
  const data = e.dataset(sineTask({ n: 20, seed: 1 }));
  const model = e.mlp({ sizes: [1, 16, 1], keep: 0.9, seed: 1 });
  const settle = await e.simulate(model, data, { method: 'gd-modified', lr: 0.25, steps: 60000, paths: 1, recordEvery: 60000, keepFinal: true });
  model.setParams(settle.final!);
  const g = await model.gradient(data, { mask: 'expected' });
  assert.ok(Math.hypot(...g) < 1e-3, `‖∇L_S‖ = ${Math.hypot(...g)} at the stationary point`);
  const lrs = [0.16, 0.08, 0.04, 0.02], paths = 2000;
  const ratios: number[] = [];
  for (const [i, lr] of lrs.entries()) {
    const [one, corrected] = [await covarianceGap(e, model, data, 'sme1', lr, paths, 31 + i), await covarianceGap(e, model, data, 'sme2c', lr, paths, 31 + i)];
    console.log(`  W4 stationary ε = ${lr}: tr Cov gap order 1 ${one.gap.toExponential(3)} (se ${one.se.toExponential(1)}), corrected ${corrected.gap.toExponential(3)} (se ${corrected.se.toExponential(1)}, integrator ${Math.abs(corrected.integrator).toExponential(1)}); ε²tr Σ ≈ ${one.scale.toExponential(3)}`);
    for (const [name, est] of [['order 1', one], ['corrected', corrected]] as const) {
      assert.ok(Math.abs(est.gap) > 2 * est.se && Math.abs(est.gap) > 2 * Math.abs(est.integrator), `${name} ε = ${lr}: gap ${est.gap} not above its floors (se ${est.se}, integrator ${est.integrator})`);
    }
    assert.ok(Math.abs(corrected.gap) + 2 * corrected.se < Math.abs(one.gap), `ε = ${lr}: corrected gap ${corrected.gap} not below order 1's ${one.gap}`);
    ratios.push(Math.abs(corrected.gap / one.gap));
  }
  const fit = logSlope(lrs, ratios);
  console.log(`  W4 stationary: gap ratio corrected / order 1 ${ratios.map((r) => r.toFixed(3)).join(' ')}; slope ${fit.slope.toFixed(2)} ± ${fit.half.toFixed(2)}`);
  assert.ok(Math.abs(fit.slope - 1) <= 0.5, `ratio slope ${fit.slope} (expected 1)`);
  model.dispose();
  data.dispose();
});

s.after(() => {
  for (const e of present(engines)) e.dispose();
});
s.run();
