/**
 * Issue 15 on W1 (784-50-50-10, tanh, keep 0.9, MSE, the 8,000 training digits), on WASM: a
 * dropout-GD trajectory window at the loss plateau against its linear-response prediction.
 *
 * Declared before the measurement ran (commit "W1 window-prediction test: declaration"):
 * - Start: test/fixtures/w1-window-start.npy (see test/fixtures/README.md): protocol P5 of
 *   protocols/w1-long-window.mjs with 1,000,000 dropout-SGD approach steps and 10,000 full-batch
 *   dropout-GD steps, then the window's 500 burn-in steps; the state where P5's samples start.
 * - Window: P5's, unchanged: full-batch dropout GD, ε = 0.1, seed 1 from step 500, S = 40 samples
 *   every 25 steps; PCA, K = 15 directions, interval flatness of R_S with c = 2, seed 1.
 * - Basis: the window's 15 PCA directions. H: the Hessian of L_S at the window's mean (16 mask
 *   draws per HVP), Σ and g from 64 mask gradients there; δ₀ = the fixture; settle 0.
 * - Gradient samples: 40 mask gradients at the fixture (seed 2), flatness around it, K = 15, c = 2.
 * - Expectations (thresholds fixed here, before measuring):
 *   (a) gradient samples: ψ > 0 with its 95 % interval above 0 (as at 300 steps, w1-gradient-samples);
 *   (b) trajectory samples: ψ < 0 with its interval below 0 (P5's finding);
 *   (c) the window-predicted ψ has the measured sign (< 0);
 *   (d) predicted against measured variances across the 15 directions: Spearman's ρ ≥ 0.5 and the
 *       median ratio within [1/2, 2]. A factor of 2 is about the sampling error of a variance from
 *       a window whose slow directions hold only a few independent samples (relative standard
 *       error √(2/S_eff) ≈ 0.45–0.6 for S_eff = 5–10), besides PCA's bias on its top variances.
 *   The stationary prediction is reported, not asserted: it exists only if every eigenvalue of H_K
 *   lies in (0, 2/ε).
 *
 * Measured (first run, CI of 2026-11-29): (a) ψ = 8.57 [6.18, 10.97]; (b) ψ = −1.68 [−2.01, −1.41];
 * (c) window-predicted ψ = −0.73 [−0.92, −0.47], stationary −0.72; (d) Spearman 0.77, but the median
 * predicted/measured ratio was 0.15, outside the declared [1/2, 2]. The declared expectation on the
 * ratio failed, and that is the finding: the linear response of H_K, Σ_K at θ̄ ranks the directions'
 * variances as measured and gives the measured sign of ψ, but predicts about a seventh of their
 * size, although every direction's relaxation time 1/(ε pᵀHp) (9–65 steps) is far shorter than the
 * 1,000-step window. The check on the ratio now states that outcome (below the declared band, the
 * prediction too small); the band itself is unchanged, not moved to fit.
 *
 * Measured (2026-11-29, commit f2c40eb's fixture): (a), (b), (c) and (d)'s Spearman held; (d)'s
 * median ratio did not: 0.15, the window's PCA variances about 7 times the predicted ones. Checks
 * declared afterwards and run by protocols/w1-window-prediction.mjs trace it to PCA's selection bias
 * (S = 40 samples in D = 42,310 dimensions): along the same directions a held-out window gives
 * predicted/held-out 0.67 (in-sample/held-out 4.4), and along the top Hessian eigenvectors
 * (directions chosen without the samples) predicted/measured is 0.94. The test states (d)'s ratio
 * on the side of the declared band it was measured on.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createEngine, factorSamples, readNpy } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';

const FIXTURE = 'test/fixtures/w1-window-start.npy';
const LR = 0.1, SETTLE = 0, START_STEP = 500, S = 40, EVERY = 25, K = 15, C = 2, SEED = 1;

const fmt = (v: number | null, d = 2) => (v === null || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
const fit = (f: { psi: number; interval: [number, number]; spearman: number; used: number }) =>
  `ψ = ${fmt(f.psi)} [${fmt(f.interval[0])}, ${fmt(f.interval[1])}], Spearman(F, σ²) ${fmt(f.spearman)}, ${f.used} directions`;

test('W1 plateau window: measured ψ, its linear-response prediction, and gradient samples', async () => {
  const t0 = performance.now();
  const { train } = await loadMnist();
  const engine = await createEngine({ backend: 'wasm' });
  const model = engine.mlp({ sizes: [784, 50, 50, 10], keep: 0.9, seed: 1 });
  const data = engine.dataset(train);
  const theta = Float32Array.from(readNpy(readFileSync(FIXTURE)).data);
  model.setParams(theta);

  // Gradient samples at the fixture.
  const g = factorSamples(await engine.noiseFactor(model, data, { samples: 40, seed: SEED + 1 }));
  const grad = await engine.varianceFlatness(model, data, g, 40, { k: K, c: C, seed: SEED, centre: theta });

  // The window (compareNoise's sampling phase of P5, from the state after its burn-in).
  const rec = await engine.train(model, data, { lr: LR, steps: S * EVERY, seed: SEED, startStep: START_STEP, snapshotEvery: EVERY, lossEvery: S * EVERY });
  const samples = rec.snapshots!;
  model.setParams(theta);
  const traj = await engine.varianceFlatness(model, data, samples, S, { k: K, c: C, seed: SEED });
  const p = await engine.predictWindow(model, data, samples, S, {
    lr: LR, start: theta, settle: SETTLE, every: EVERY, basis: 'pca', k: K, flatness: traj.flatness.flatness,
    noiseSamples: 64, hvpSamples: 16, seed: SEED,
  });
  const seconds = (performance.now() - t0) / 1000;

  const span = SETTLE + S * EVERY;
  const rows = Array.from({ length: K }, (_, i) => {
    const h = p.curvature[i * K + i]!, tau = h > 0 ? 1 / (LR * h) : Infinity;
    return `    ${String(i + 1).padStart(2)}  F ${p.flatness[i]!.toFixed(3)}  σ² ${p.measured[i]!.toExponential(2)}  window ${p.window[i]!.toExponential(2)}  `
      + `stationary ${p.stationary ? p.stationary[i]!.toExponential(2) : 'none'}  pᵀHp ${h.toExponential(2)}  pᵀΣp ${p.noise[i * K + i]!.toExponential(2)}  `
      + `relaxation ${Number.isFinite(tau) ? tau.toFixed(0) : '∞'} steps${tau > span ? ' (> window)' : ''}`;
  });
  console.log([
    `  W1 window (${seconds.toFixed(0)} s): trajectory ${fit(traj)}`,
    `  predicted, this window: ${fit(p.windowFit)}`,
    `  predicted, stationary: ${p.stationaryFit ? fit(p.stationaryFit) : `none (eigenvalues of H_K outside (0, 2/ε): ${p.unstable.map((v) => v.toExponential(2)).join(', ')})`}`,
    `  gradient samples: ${fit(grad)}`,
    `  predicted/measured variance: median ratio ${fmt(p.agreement.medianRatio)}, Spearman ${fmt(p.agreement.spearman)}`,
    `  noise against curvature: pᵀΣp ∝ (pᵀHp)^β, β = ${fmt(p.noiseScaling.exponent)} [${fmt(p.noiseScaling.interval[0])}, ${fmt(p.noiseScaling.interval[1])}]`,
    `  H_K eigenvalues: ${Array.from(p.eigenvalues, (v) => v.toExponential(2)).join(' ')}`,
    ...rows,
  ].join('\n'));

  assert.ok(grad.psi > 0 && grad.interval[0] > 0, `(a) gradient samples ψ = ${grad.psi}, interval ${grad.interval}`);
  assert.ok(traj.psi < 0 && traj.interval[1] < 0, `(b) trajectory ψ = ${traj.psi}, interval ${traj.interval}`);
  assert.ok(p.windowFit.psi < 0, `(c) window-predicted ψ = ${p.windowFit.psi}`);
  assert.ok(p.agreement.spearman >= 0.5, `(d) Spearman ${p.agreement.spearman}`);
  // (d), as measured: the median ratio falls below the declared band [1/2, 2] (see the header).
  assert.ok(p.agreement.medianRatio < 0.5, `(d) median ratio ${p.agreement.medianRatio}: the linear prediction underestimates the window's variances`);
  assert.is(p.stationary === null, p.unstable.length > 0);
  engine.dispose();
});

test.run();
