/**
 * Noise-structure analyses on problems with closed forms (docs/math.md §6). The model is linear regression
 * (an MLP with no hidden layer, MSE): R_S(θ) = ‖Xθ − y‖²/(2n), a quadratic with H = XᵀX/n.
 * - flatness at the minimum along H's eigenvectors: F = 2·√(2(c − 1)L̄/λ), for c = 2 and c = e;
 * - GD with isotropic noise ξ (variance σ² per coordinate): the stationary covariance solves the
 *   discrete Lyapunov equation C = A C Aᵀ + ε²σ² I, A = I − εH, and PCA of the trajectory recovers
 *   its spectrum and eigenvectors;
 * - α(H, Σ) for a known H and a given factor against the direct float64 formula, and the null
 *   model's mean against tr(H)·tr(Σ)/(D‖H‖_F‖Σ‖_F).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine, fitPsi, pca, symmetricEigen, type Engine } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

/** A linear-regression problem: X (n × d), y = Xw + noise, H = XᵀX/n, θ* by the normal equations. */
async function regression(n: number, d: number, seed: number) {
  const x = randomF32(n * d, seed, 1), w = randomF32(d, seed + 1), e = randomF32(n, seed + 2, 0.3);
  const y = Float32Array.from({ length: n }, (_, i) => {
    let s = e[i]!;
    for (let j = 0; j < d; j++) s += x[i * d + j]! * w[j]!;
    return s;
  });
  const h = new Float64Array(d * d), b = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let a = 0; a < d; a++) {
    b[a]! += (x[i * d + a]! * y[i]!) / n;
    for (let c = 0; c < d; c++) h[a * d + c]! += (x[i * d + a]! * x[i * d + c]!) / n;
  }
  const eig = await symmetricEigen(h, d);
  // θ* = H⁻¹ b through the eigen-decomposition.
  const theta = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let ub = 0;
    for (let a = 0; a < d; a++) ub += eig.vectors[a * d + j]! * b[a]!;
    for (let a = 0; a < d; a++) theta[a]! += (eig.vectors[a * d + j]! * ub) / eig.values[j]!;
  }
  return { host: { x, y, n, inDim: d, outDim: 1 }, h, eig, theta };
}

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} noise structure: closed forms`);

  s('flatness of a quadratic at its minimum is 2·√(2(c−1)L̄/λ) along each eigenvector', async () => {
    const d = 4, { host, eig, theta } = await regression(60, d, 3);
    const model = engine.mlp({ sizes: [d, 1], bias: false });
    const data = engine.dataset(host);
    model.setParams(Float32Array.from(theta));
    const base = await model.loss(data);
    const dirs = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let a = 0; a < d; a++) dirs[i * d + a] = eig.vectors[a * d + i]!;
    for (const c of [2, Math.E]) {
      const r = await engine.flatness(model, data, theta, dirs, d, { c });
      const want = Array.from(eig.values, (lambda) => 2 * Math.sqrt((2 * (c - 1) * base) / lambda));
      // Bisection to 1e-4 relative; L̄ evaluated in f32 (relative error ~1e-6).
      assertWithin(`flatness c=${c.toFixed(3)}`, r.flatness, want, want.map((v) => 3e-4 * v));
      assertWithin('symmetric interval', r.right, Array.from(r.left, (v) => -v), want.map((v) => 3e-4 * v));
    }
    model.dispose();
    data.dispose();
  });

  s('α(H, Σ) for known H and factor; the null model mean matches tr(H)tr(Σ)/(D‖H‖‖Σ‖)', async () => {
    const d = 5, m = 3, { host, h } = await regression(40, d, 7);
    const model = engine.mlp({ sizes: [d, 1], bias: false });
    const data = engine.dataset(host);
    const factor = randomF32(d * m, 8);
    // Direct: Σ = F Fᵀ, α = Tr(HΣ)/(‖H‖_F‖Σ‖_F), in float64.
    const sigma = new Float64Array(d * d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) for (let j = 0; j < m; j++) sigma[a * d + b]! += factor[a * m + j]! * factor[b * m + j]!;
    let tr = 0, nh = 0, ns = 0, trH = 0, trS = 0;
    for (let a = 0; a < d; a++) {
      trH += h[a * d + a]!;
      trS += sigma[a * d + a]!;
      for (let b = 0; b < d; b++) {
        tr += h[a * d + b]! * sigma[b * d + a]!;
        nh += h[a * d + b]! ** 2;
        ns += sigma[a * d + b]! ** 2;
      }
    }
    const want = tr / Math.sqrt(nh * ns);
    const r = await engine.alignment(model, data, factor, m, { hessianNorm: 'dense', nullSamples: 400, seed: 2 });
    // f32 HVPs: ~1e-6 relative per quadratic form.
    assertWithin('α', [r.alpha], [want], 1e-5 * Math.abs(want) + 1e-7);
    assertWithin('‖H‖_F', [r.normH], [Math.sqrt(nh)], 1e-5 * Math.sqrt(nh));
    const expected = (trH * trS) / (d * Math.sqrt(nh) * Math.sqrt(ns));
    assertWithin('expected null mean', [r.null.expected], [expected], 1e-5 * expected);
    const se = r.null.sd / Math.sqrt(400);
    assert.ok(Math.abs(r.null.mean - expected) <= 4 * se, `null mean ${r.null.mean} vs ${expected} (se ${se})`);
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}

const lyap = suite('noise structure: Lyapunov covariance of GD with isotropic noise (WASM)');
lyap('PCA of the trajectory recovers the stationary covariance C = ACAᵀ + ε²σ²I', async () => {
  const engine = await createEngine({ backend: 'wasm' });
  const d = 3, { host, eig, theta } = await regression(50, d, 11);
  const model = engine.mlp({ sizes: [d, 1], bias: false });
  const data = engine.dataset(host);
  model.setParams(Float32Array.from(theta));
  const eps = 0.5, sigma2 = 0.04;
  // In H's eigenbasis A is diagonal: C_i = ε²σ² / (1 − (1 − ελ_i)²), largest for the smallest λ
  // (eig.values ascend, so the C_i already descend like PCA's variances).
  const want = Array.from(eig.values, (l) => (eps * eps * sigma2) / (1 - (1 - eps * l) ** 2));
  // Snapshots spaced so the correlation (1 − ελ_min)^s between samples is below e^-4.
  const lmin = eig.values[0]!, spacing = Math.ceil(4 / (eps * lmin)), S = 2000;
  const r = await engine.train(model, data, { lr: eps, steps: S * spacing, isotropicNoise: sigma2, snapshotEvery: spacing, lossEvery: S * spacing, seed: 5 });
  const p = await pca(r.snapshots!, S, d, d);
  // Sample variances of ~S independent Gaussians: relative standard error √(2/S) ≈ 2.6%; allow 5.
  assertWithin('stationary variances', p.variances, want, want.map((v) => 5 * Math.sqrt(2 / S) * v));
  // Directions: to first order the sample eigenvector v_i leans towards u_j (j ≠ i) by a Gaussian
  // amount of variance C_i C_j / (S (C_i − C_j)²) (the off-diagonal sample covariance over the
  // eigengap), so sin²∠(v_i, u_i) has mean Σ_j of those; allow 5 times its root, as for the
  // variances (exceeded with chance below P(z² > 25) ≈ 6·10⁻⁷ per direction).
  for (let i = 0; i < d; i++) {
    let dot = 0, lean = 0;
    for (let a = 0; a < d; a++) dot += p.components[i * d + a]! * eig.vectors[a * d + i]!;
    for (let j = 0; j < d; j++) if (j !== i) lean += (want[i]! * want[j]!) / (S * (want[i]! - want[j]!) ** 2);
    const least = Math.cos(Math.min(5 * Math.sqrt(lean), Math.PI / 2));
    assert.ok(Math.abs(dot) >= least, `direction ${i}: |⟨v, u⟩| = ${Math.abs(dot)}, at least ${least}`);
  }
  engine.dispose();
});
lyap.run();

const fit = suite('noise structure: the ψ fit');
fit('σ² = 3·F^−2 gives ψ = 2 exactly, over the chosen directions with finite F and positive σ²', () => {
  const F = [0.1, 0.2, Infinity, 0.4, 0.8, 1.6];
  const v = F.map((f) => 3 * f ** -2);
  v[4] = 0; // no variance: left out
  v[0] = 1; // off the line, and not among the chosen directions
  const r = fitPsi(F, v, [1, 2, 3, 4, 5], 200, 1);
  assert.is(r.used, 3);
  assertWithin('ψ', [r.psi, ...r.interval], [2, 2, 2], [1e-12, 1e-12, 1e-12]);
  assert.is(r.spearman, -1);
  assert.ok(Math.abs(fitPsi(F, v, [0, 1, 3, 5]).psi - 2) > 0.1, 'direction 0 changes the fit when chosen');
});
fit.run();
