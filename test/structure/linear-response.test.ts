/**
 * The linear-response prediction of a window (docs/math.md §6) on problems with closed forms, all in
 * float64 on the host: the recursion δ' = (I − εH)δ − ε(g + ξ), ξ ~ N(0, Σ), simulated directly.
 * - the stationary covariance equals the exact solution of the discrete Lyapunov equation
 *   (I − A⊗A) vec C = ε² vec Σ, solved by Gaussian elimination;
 * - the window's expected sample covariance and mean equal a Monte Carlo of the recursion
 *   (independent chains, each giving one window's sample covariance) within 4 standard errors;
 * - a flat direction (λ = 0) gives a random walk's window variance ε²Σ·s(S + 1)/6, plus a
 *   straight line's (εgs)²·S(S + 1)/12 from the drift; the stationary covariance is refused;
 * - λ > 2/ε (and λ < 0) are reported as ruling out a stationary covariance;
 * - the estimate of g: subtracting Cov ĝ makes the drift term unbiased (exact for a quadratic);
 * - a quartic term κx⁴/4 shows where the linear prediction stops holding: the stationary variance
 *   follows the Gibbs density of the whole loss, below the linear prediction by about
 *   r = 3κC/λ (the curvature's relative change over one standard deviation).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  ArgumentError, basisVariances, geometricSum, linearResponse, noiseScaling, stationaryCovariance, windowCovariance, type LinearSystem,
} from 'dropout-sme';
import { cholesky, normals, randomCovariance, solve, symmetric } from '../helpers/linear.js';
import { assertWithin } from '../helpers/compare.js';

// A 3-direction system: one slow direction, one fast, one beyond 1/ε (a = 1 − ελ < 0, still stable).
const K = 3, EPS = 0.1;
const H = symmetric([0.3, 2, 12], 5);
const SIGMA = randomCovariance(K, 6, 0.1);
const G = Float64Array.from([0.02, -0.05, 0.1]);
const SYSTEM: LinearSystem = { k: K, lr: EPS, curvature: H, noise: SIGMA, gradient: G };

test('the stationary covariance solves the discrete Lyapunov equation exactly', async () => {
  const st = await stationaryCovariance(SYSTEM);
  assert.equal(st.unstable, []);
  // (I − A⊗A) vec C = ε² vec Σ, A = I − εH, an independent float64 solve.
  const a = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) a[i * K + j] = (i === j ? 1 : 0) - EPS * H[i * K + j]!;
  const n = K * K, m = new Float64Array(n * n), rhs = Float64Array.from(SIGMA, (v) => EPS * EPS * v);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let p = 0; p < K; p++) for (let q = 0; q < K; q++) {
    m[(i * K + j) * n + p * K + q] = (i === p && j === q ? 1 : 0) - a[i * K + p]! * a[j * K + q]!;
  }
  const exact = solve(m, rhs, n);
  const scale = Math.max(...exact.map(Math.abs));
  // Both float64; the system's condition is below 1/(1 − max|a|²) ≈ 17, so 1e-12 of the scale is ample.
  assertWithin('stationary C', st.covariance!, exact, 1e-12 * scale);
  // The mean −H⁻¹g: H·mean = −g.
  const hm = Array.from({ length: K }, (_, i) => H.subarray(i * K, (i + 1) * K).reduce((s, h, j) => s + h * st.mean![j]!, 0));
  assertWithin('H·mean', hm, Array.from(G, (g) => -g), 1e-12);
});

test('the window prediction equals a Monte Carlo of the recursion (mean and sample covariance, 4 standard errors)', async () => {
  const schedule = { settle: 10, samples: 8, every: 3 };
  const start = [0.4, -0.2, 0.3];
  const pred = await windowCovariance(SYSTEM, start, schedule);
  const chains = 20000, z = normals(11), L = cholesky(SIGMA, K);
  const steps = schedule.settle + schedule.samples * schedule.every;
  // Per chain: the window's sample covariance (6 entries) and sample mean (3).
  const sums = new Float64Array(9), squares = new Float64Array(9);
  const x = new Float64Array(K), xi = new Float64Array(K), w = new Float64Array(schedule.samples * K);
  for (let c = 0; c < chains; c++) {
    x.set(start);
    let j = 0;
    for (let t = 1; t <= steps; t++) {
      const e = [z(), z(), z()];
      for (let i = 0; i < K; i++) xi[i] = L[i * K]! * e[0]! + L[i * K + 1]! * e[1]! + L[i * K + 2]! * e[2]!;
      const hx = Array.from({ length: K }, (_, i) => H[i * K]! * x[0]! + H[i * K + 1]! * x[1]! + H[i * K + 2]! * x[2]!);
      for (let i = 0; i < K; i++) x[i] = x[i]! - EPS * (hx[i]! + G[i]! + xi[i]!);
      if (t > schedule.settle && (t - schedule.settle) % schedule.every === 0) w.set(x, K * j++);
    }
    const mean = [0, 1, 2].map((i) => w.filter((_, q) => q % K === i).reduce((s, v) => s + v, 0) / schedule.samples);
    const stats: number[] = [];
    for (let a = 0; a < K; a++) for (let b = a; b < K; b++) {
      let s = 0;
      for (let q = 0; q < schedule.samples; q++) s += (w[q * K + a]! - mean[a]!) * (w[q * K + b]! - mean[b]!);
      stats.push(s / (schedule.samples - 1));
    }
    stats.push(...mean);
    stats.forEach((v, i) => { sums[i]! += v; squares[i]! += v * v; });
  }
  const mc = Array.from(sums, (s) => s / chains);
  const se = Array.from(squares, (q, i) => Math.sqrt((q / chains - mc[i]! ** 2) / chains));
  const want: number[] = [];
  for (let a = 0; a < K; a++) for (let b = a; b < K; b++) want.push(pred.covariance[a * K + b]!);
  want.push(...pred.mean);
  // 9 statistics, each a mean of 20,000 independent chains: 4 standard errors is a two-sided 6e-5 level each.
  assertWithin('window covariance and mean', mc, want, se.map((s) => 4 * s));
});

test('a flat direction gives a random walk’s window variance, plus the drift’s straight line', async () => {
  const eps = 0.05, sigma = 0.8, g = 0.3, S = 12, s = 7;
  for (const settle of [0, 500]) {
    const walk = await windowCovariance({ k: 1, lr: eps, curvature: [0], noise: [sigma] }, [0.5], { settle, samples: S, every: s });
    const rw = (eps * eps * sigma * s * (S + 1)) / 6;
    assertWithin(`random walk, settle ${settle}`, walk.covariance, [rw], 1e-12 * rw);
    const drifting = await windowCovariance({ k: 1, lr: eps, curvature: [0], noise: [sigma], gradient: [g] }, [0.5], { settle, samples: S, every: s });
    const line = ((eps * g * s) ** 2 * S * (S + 1)) / 12;
    assertWithin(`random walk + drift, settle ${settle}`, drifting.covariance, [rw + line], 1e-12 * (rw + line));
  }
  // Continuity into the flat limit: λ = 1e-12 over ~1,000 steps differs from λ = 0 by ~1e-9 relative.
  const near = await windowCovariance({ k: 1, lr: eps, curvature: [1e-12], noise: [sigma] }, [0], { settle: 500, samples: S, every: s });
  const rw = (eps * eps * sigma * s * (S + 1)) / 6;
  assertWithin('λ → 0', near.covariance, [rw], 1e-8 * rw);
  const st = await stationaryCovariance({ k: 1, lr: eps, curvature: [0], noise: [sigma] });
  assert.equal(st.unstable, [0]);
  assert.is(st.covariance, null);
});

test('λ > 2/ε and λ < 0 are reported unstable; the window is still predicted', async () => {
  const eps = 0.1, h = symmetric([-0.5, 1, 25], 9);
  const st = await stationaryCovariance({ k: 3, lr: eps, curvature: h, noise: SIGMA });
  assert.is(st.covariance, null);
  assert.is(st.unstable.length, 2);
  assertWithin('offending eigenvalues', st.unstable, [-0.5, 25], 1e-12 * 25);
  const lr = await linearResponse({ k: 3, lr: eps, curvature: h, noise: SIGMA }, [0, 0, 0], { settle: 0, samples: 4, every: 1 });
  assert.ok(Array.from(basisVariances(lr.window.covariance, 3)).every((v) => Number.isFinite(v) && v > 0));
  // Exactly at the edge (a = −1) there is no stationary covariance either.
  assert.equal((await stationaryCovariance({ k: 1, lr: 0.5, curvature: [4], noise: [1] })).unstable, [4]);
});

test('a long settle and widely spaced samples: the window covariance tends to the stationary one', async () => {
  // Samples 400 steps apart: correlation ≤ (1 − 0.1·0.3)^400 ≈ 5e-6; settle 4,000: the start is forgotten (≈ 1e-53).
  const st = await stationaryCovariance({ ...SYSTEM, gradient: undefined });
  const w = await windowCovariance({ ...SYSTEM, gradient: undefined }, [1, 1, 1], { settle: 4000, samples: 50, every: 400 });
  const scale = Math.max(...st.covariance!.map(Math.abs));
  // The leftover correlation enters through the −(1/S)Σ_{j≠l} term: at most ~2·5e-6 of the scale.
  assertWithin('window → stationary', w.covariance, st.covariance!, 2e-5 * scale);
});

test('Cov ĝ taken out of the drift term: unbiased in g gᵀ (exact for the quadratic dependence on ĝ)', async () => {
  const psi = Float64Array.from(SIGMA, (v) => v / 8);
  const schedule = { settle: 5, samples: 10, every: 20 };
  const start = [0.1, 0.2, -0.1];
  const at = async (g: ArrayLike<number>, cov?: Float64Array) =>
    (await windowCovariance({ ...SYSTEM, gradient: g, ...(cov ? { gradientCovariance: cov } : {}) }, start, schedule)).covariance;
  // E f(g + e), e ~ N(0, Ψ) = L z, for f quadratic in g: f(g) + Σ_i [(f(g + L_i) + f(g − L_i))/2 − f(g)].
  const L = cholesky(psi, K);
  const f0 = await at(G, psi);
  const expected = Float64Array.from(f0);
  for (let i = 0; i < K; i++) {
    const col = Array.from({ length: K }, (_, r) => L[r * K + i]!);
    const plus = await at(G.map((g, r) => g + col[r]!), psi), minus = await at(G.map((g, r) => g - col[r]!), psi);
    for (let q = 0; q < K * K; q++) expected[q]! += (plus[q]! + minus[q]!) / 2 - f0[q]!;
  }
  const truth = await at(G);
  const scale = Math.max(...truth.map(Math.abs));
  assertWithin('E over ĝ of the corrected prediction', expected, truth, 1e-10 * scale);
});

test('geometric sums near q = 1 keep their precision', () => {
  // Σ_{k<t} q^k with 1 − q = 1e-13, t = 1000: t − t(t−1)/2·(1 − q) to ~1e-19 relative.
  const t = 1000, d = 1e-13;
  assertWithin('G near 1', [geometricSum(1 - d, d, t)], [t - ((t * (t - 1)) / 2) * d], 1e-12);
  assert.is(geometricSum(1, 0, 37), 37);
  assertWithin('q < 0', [geometricSum(-0.5, 1.5, 3)], [1 - 0.5 + 0.25], 1e-15);
});

test('noise scaling: p_iᵀΣp_i = 3·(p_iᵀHp_i)^0.4 gives β = 0.4; directions without positive curvature are left out', () => {
  const k = 4, h = new Float64Array(k * k), sigma = new Float64Array(k * k);
  [0.2, 0.7, 2.5, -0.1].forEach((l, i) => { h[i * k + i] = l; sigma[i * k + i] = l > 0 ? 3 * l ** 0.4 : 1; });
  const r = noiseScaling(h, sigma, k, 100, 1);
  assert.is(r.used, 3);
  // An exact power law: the least-squares slope and every bootstrap slope are 0.4 to rounding.
  assertWithin('β', [r.exponent, ...r.interval], [0.4, 0.4, 0.4], 1e-12);
  assert.ok(Number.isNaN(noiseScaling([1], [1], 1).exponent), 'one direction: no slope');
});

test('bad input is named', async () => {
  const refused = async (f: () => Promise<unknown>, name: RegExp) => {
    let err: unknown;
    try {
      await f();
    } catch (e) {
      err = e;
    }
    assert.instance(err, ArgumentError);
    assert.match(String((err as Error).message), name);
  };
  await refused(() => stationaryCovariance({ ...SYSTEM, lr: 0 }), /system\.lr/);
  await refused(() => stationaryCovariance({ ...SYSTEM, noise: [1, 2] }), /system\.noise/);
  await refused(() => stationaryCovariance({ ...SYSTEM, noise: Float64Array.from(SIGMA, (v, i) => (i === 0 ? -1 : v)) }), /system\.noise: expected a covariance/);
  await refused(() => windowCovariance(SYSTEM, [0, 0], { settle: 0, samples: 4, every: 1 }), /start/);
  await refused(() => windowCovariance(SYSTEM, [0, 0, 0], { settle: 0, samples: 1, every: 1 }), /schedule\.samples/);
  await refused(() => windowCovariance(SYSTEM, [0, 0, 0], { settle: -1, samples: 4, every: 1 }), /schedule\.settle/);
});

/**
 * x' = x − ε(λx + κx³) − εξ, ξ ~ N(0, σ²): N independent chains, each long past its relaxation
 * (400 steps, ελ = 0.05: 20 relaxation times), give the stationary E x² and its standard error.
 */
function quarticVariance(lambda: number, kappa: number, eps: number, sigma2: number, chains: number, seed: number): { mean: number; se: number } {
  const z = normals(seed), sd = Math.sqrt(sigma2);
  let s = 0, s2 = 0;
  for (let c = 0; c < chains; c++) {
    let x = 0;
    for (let t = 0; t < 400; t++) x -= eps * (lambda * x + kappa * x * x * x + sd * z());
    s += x * x;
    s2 += x ** 4;
  }
  const mean = s / chains;
  return { mean, se: Math.sqrt((s2 / chains - mean * mean) / chains) };
}

/** E x²/(T/λ) under the Gibbs density exp(−(x²/2 + u x⁴/4)) (x in units of √(T/λ)), by quadrature. */
function gibbsRatio(u: number): number {
  let num = 0, den = 0;
  const h = 1e-3;
  for (let x = -12; x <= 12; x += h) {
    const w = Math.exp(-(x * x / 2 + (u * x ** 4) / 4));
    num += x * x * w;
    den += w;
  }
  return num / den;
}

test('a quartic term: the linear prediction holds while 3κC/λ ≪ 1 and falls away beyond', async () => {
  const lambda = 1, eps = 0.05, kappa = 1, chains = 40000;
  const rows: string[] = [];
  for (const [i, sigma2] of [0.0024, 0.08, 0.8, 8].entries()) {
    const lin = (await stationaryCovariance({ k: 1, lr: eps, curvature: [lambda], noise: [sigma2] })).covariance![0]!;
    const r = (3 * kappa * lin) / lambda;
    const mc = quarticVariance(lambda, kappa, eps, sigma2, chains, 20 + i);
    // The temperature the linear part implies (so u = 0 gives the discrete linear variance exactly).
    const u = (kappa * lambda * lin) / lambda ** 2;
    const gibbs = lin * gibbsRatio(u);
    rows.push(`r = ${r.toFixed(3)}: MC/linear ${(mc.mean / lin).toFixed(4)} ± ${(mc.se / lin).toFixed(4)}, Gibbs/linear ${(gibbs / lin).toFixed(4)}`);
    // Gibbs is the ε → 0 limit. The discrete moment equation E x'² = E x² gives, to first order in u,
    // E x² = C(1 − 3u(1 − ελ/2)) against Gibbs's C(1 − 3u): a gap of 1.5·ελ·u·C; 2·ελ·u·C allows for
    // higher orders, beside 4 standard errors of the Monte Carlo.
    assert.ok(Math.abs(mc.mean - gibbs) <= 4 * mc.se + 2 * eps * lambda * u * lin, `r = ${r}: MC ${mc.mean} against Gibbs ${gibbs} (se ${mc.se})`);
    if (r < 0.01) {
      // The linear prediction itself, to within the Monte Carlo: its first-order error is −r.
      assert.ok(Math.abs(mc.mean - lin) <= 4 * mc.se + r * lin, `r = ${r}: MC ${mc.mean} against linear ${lin}`);
    }
    if (r > 0.5) assert.ok(mc.mean < (1 - r / 4) * lin, `r = ${r}: MC ${mc.mean} should fall well below linear ${lin}`);
  }
  console.log(`  quartic term: ${rows.join('; ')}`);
});

test.run();
