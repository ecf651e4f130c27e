/**
 * The SMEs near a minimum (docs/math.md §4.7), on a quadratic loss with known H and Σ, in float64
 * on the host. Dropout GD's stationary covariance there is the discrete Lyapunov solution
 * C = (I − εH)C(I − εH) + ε²Σ (`stationaryCovariance`); each SME is an Ornstein–Uhlenbeck process
 * whose stationary covariance solves A C + C A = ε BBᵀ (`smeStationaryCovariance`):
 * - one direction, the closed forms εs²/(2λ) (order 1), εs²/(λ(2 + ελ)) (order 2),
 *   εs²(1 + ελ/2)/(2λ) (corrected diffusion, noise (I + (ε/2)H)ζ) against εs²/(λ(2 − ελ));
 * - three non-commuting directions: each solution satisfies its Lyapunov equation, and its gap to
 *   dropout GD's falls like ε² (orders 1 and 2) and ε³ (corrected diffusion);
 * - simulated: each SME's linear SDE integrated as the package integrates an SME (Euler–Maruyama
 *   at h, h/2, h/4 with common random numbers, Richardson-extrapolated by `extrapolate`) reaches
 *   its closed form within its Monte Carlo and integrator error, and the corrected one lies
 *   closest to dropout GD's. (The package's SMEs are a network's: no network has a quadratic loss
 *   with constant Σ, so the simulated part runs the SDE itself; the package's stepper is checked
 *   against these orders in local-order.test.ts, at a stationary point of W4.)
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { extrapolate, smeStationaryCovariance, stationaryCovariance, type LinearSystem, type SmeMethod } from 'dropout-sme';
import { cholesky, normals, randomCovariance, symmetric } from '../helpers/linear.js';

const METHODS: SmeMethod[] = ['sme1', 'sme2', 'sme2c'];

test('one direction: the closed forms of the three SMEs and of dropout GD', async () => {
  for (const [lambda, s2, eps] of [[2, 0.7, 0.1], [0.3, 1.5, 0.05], [8, 0.2, 0.2]] as const) {
    const system: LinearSystem = { k: 1, lr: eps, curvature: [lambda], noise: [s2] };
    const expected: Record<SmeMethod | 'gd', number> = {
      gd: (eps * s2) / (lambda * (2 - eps * lambda)),
      sme1: (eps * s2) / (2 * lambda),
      sme2: (eps * s2) / (lambda * (2 + eps * lambda)),
      sme2c: (eps * s2 * (1 + (eps * lambda) / 2)) / (2 * lambda),
    };
    const got = { gd: (await stationaryCovariance(system)).covariance![0]! } as Record<SmeMethod | 'gd', number>;
    for (const m of METHODS) got[m] = (await smeStationaryCovariance(system, m)).covariance![0]!;
    // float64 arithmetic of a few operations: 1e-13 relative.
    for (const key of Object.keys(expected) as (keyof typeof expected)[]) {
      assert.ok(Math.abs(got[key] - expected[key]) <= 1e-13 * expected[key], `λ = ${lambda}, ${key}: ${got[key]} vs ${expected[key]}`);
    }
    // The corrected gap, exactly: ε³s²λ / (8(1 − ελ/2)), i.e. ε³s²λ/8 at leading order; orders 1 and 2
    // are ε²s²/(2(2 − ελ)) and ε²s²·2/((2 − ελ)(2 + ελ)) away, i.e. ε²s²/4 and ε²s²/2.
    const x = eps * lambda;
    const exact = { sme1: (eps ** 2 * s2) / (2 * (2 - x)), sme2: (2 * eps ** 2 * s2) / ((2 - x) * (2 + x)), sme2c: (eps ** 3 * s2 * lambda) / (8 * (1 - x / 2)) };
    for (const m of METHODS) {
      const gap = expected.gd - expected[m];
      assert.ok(Math.abs(gap - exact[m]) <= 1e-12 * expected.gd, `λ = ${lambda}, ${m}: gap ${gap} vs ${exact[m]}`);
    }
  }
});

// Three directions whose curvature and noise do not commute.
const K = 3;
const H = symmetric([0.5, 2, 5], 21);
const SIGMA = randomCovariance(K, 22, 0.2);

const matmul = (a: Float64Array, b: Float64Array) => {
  const c = new Float64Array(K * K);
  for (let i = 0; i < K; i++) for (let j = 0; j < K; j++) for (let t = 0; t < K; t++) c[i * K + j]! += a[i * K + t]! * b[t * K + j]!;
  return c;
};
const plus = (a: Float64Array, b: Float64Array, beta = 1) => a.map((v, i) => v + beta * b[i]!);
const eye = Float64Array.from({ length: K * K }, (_, i) => (i % (K + 1) === 0 ? 1 : 0));
/** The SDE's drift matrix A and noise factor F (noise F Σ^{1/2} dW) at learning rate ε. */
function sde(method: SmeMethod, eps: number): { a: Float64Array; f: Float64Array } {
  const half = plus(eye, H, eps / 2);
  return { a: method === 'sme1' ? H : matmul(half, H), f: method === 'sme2c' ? half : eye };
}
const frobenius = (a: Float64Array) => Math.sqrt(a.reduce((s, v) => s + v * v, 0));

test('three directions: each solution satisfies its Lyapunov equation; gaps to dropout GD fall like ε², ε², ε³', async () => {
  const lrs = [0.04, 0.02, 0.01, 0.005];
  const gaps: Record<SmeMethod, number[]> = { sme1: [], sme2: [], sme2c: [] };
  for (const eps of lrs) {
    const system: LinearSystem = { k: K, lr: eps, curvature: H, noise: SIGMA };
    const gd = (await stationaryCovariance(system)).covariance!;
    for (const m of METHODS) {
      const c = (await smeStationaryCovariance(system, m)).covariance!;
      const { a, f } = sde(m, eps);
      // A C + C Aᵀ − ε F Σ Fᵀ = 0, checked in the original basis (independent of the eigen-solve).
      const fsf = matmul(matmul(f, SIGMA), Float64Array.from({ length: K * K }, (_, i) => f[(i % K) * K + Math.floor(i / K)]!));
      const residual = plus(plus(matmul(a, c), matmul(c, Float64Array.from({ length: K * K }, (_, i) => a[(i % K) * K + Math.floor(i / K)]!))), fsf, -eps);
      assert.ok(frobenius(residual) <= 1e-12 * eps * frobenius(fsf), `${m} ε = ${eps}: Lyapunov residual ${frobenius(residual)}`);
      gaps[m].push(frobenius(plus(c, gd, -1)));
    }
  }
  for (const [m, expected] of [['sme1', 2], ['sme2', 2], ['sme2c', 3]] as const) {
    const x = lrs.map(Math.log), y = gaps[m].map(Math.log), mx = x.reduce((p, q) => p + q) / x.length, my = y.reduce((p, q) => p + q) / y.length;
    let sxy = 0, sxx = 0;
    for (let i = 0; i < x.length; i++) {
      sxy += (x[i]! - mx) * (y[i]! - my);
      sxx += (x[i]! - mx) ** 2;
    }
    const slope = sxy / sxx;
    console.log(`  ${m}: ‖C − C_GD‖ ${gaps[m].map((g) => g.toExponential(2)).join(' ')}; slope ${slope.toFixed(3)}`);
    // Exact arithmetic: only the next order bends the slope, by a relative ελ_max ≤ 0.2 at the top.
    assert.ok(Math.abs(slope - expected) <= 0.2, `${m}: slope ${slope} (expected ${expected})`);
  }
});

test('simulated with the certified integrator, each SME reaches its closed form; the corrected one is closest to dropout GD', async () => {
  const eps = 0.1, h = 0.1, T = 12, paths = 20000;
  const system: LinearSystem = { k: K, lr: eps, curvature: H, noise: SIGMA };
  const gd = (await stationaryCovariance(system)).covariance!;
  const trace = (c: Float64Array) => c[0]! + c[4]! + c[8]!;
  const l = cholesky(SIGMA, K);
  const far: Record<string, number> = {};
  for (const m of METHODS) {
    const { a, f } = sde(m, eps);
    const b = matmul(f, l);
    const closed = trace((await smeStationaryCovariance(system, m)).covariance!);
    // ‖δ_T‖² per path at h, h/2, h/4 from δ₀ = 0 (the covariance has relaxed to within e^{−2·0.5·T} = 6e-6 of its stationary value), with the
    // Gaussians of h/4 summed for the coarser levels (common random numbers).
    const levels = [new Float64Array(paths), new Float64Array(paths), new Float64Array(paths)];
    const z = normals(100 + METHODS.indexOf(m));
    const fine = Math.round(T / (h / 4));
    for (let p = 0; p < paths; p++) {
      const d = [new Float64Array(K), new Float64Array(K), new Float64Array(K)];
      const acc = [new Float64Array(K), new Float64Array(K)];
      for (let s = 0; s < fine; s++) {
        const w = [z(), z(), z()];
        for (let i = 0; i < K; i++) { acc[0]![i]! += w[i]!; acc[1]![i]! += w[i]!; }
        const stepLevel = (lv: number, dt: number, sum: ArrayLike<number>) => {
          const x = d[lv]!, next = new Float64Array(K);
          for (let i = 0; i < K; i++) {
            let drift = 0, noise = 0;
            for (let j = 0; j < K; j++) {
              drift += a[i * K + j]! * x[j]!;
              noise += b[i * K + j]! * sum[j]!;
            }
            // √(ε·dt)·z over a step dt: the fine Gaussians summed have variance dt/(h/4).
            next[i] = x[i]! - dt * drift + Math.sqrt(eps * (h / 4)) * noise;
          }
          d[lv] = next;
        };
        stepLevel(2, h / 4, w);
        if (s % 2 === 1) { stepLevel(1, h / 2, acc[1]!); acc[1]!.fill(0); }
        if (s % 4 === 3) { stepLevel(0, h, acc[0]!); acc[0]!.fill(0); }
      }
      for (let lv = 0; lv < 3; lv++) levels[lv]![p] = d[lv]!.reduce((s, v) => s + v * v, 0);
    }
    const x = extrapolate(levels[0]!, levels[1]!, levels[2]!, 1);
    const mean = x.value.reduce((s, v) => s + v, 0) / paths;
    const se = Math.sqrt(x.value.reduce((s, v) => s + (v - mean) ** 2, 0) / (paths - 1) / paths);
    const integrator = Math.abs(x.error.reduce((s, v) => s + v, 0) / paths);
    console.log(`  ${m}: simulated tr C ${mean.toFixed(5)} ± ${se.toFixed(5)} (integrator ${integrator.toExponential(1)}), closed form ${closed.toFixed(5)}, dropout GD ${trace(gd).toFixed(5)}`);
    // 4 standard errors (a Gaussian two-sided 6e-5) plus twice the integrator's own error estimate.
    assert.ok(Math.abs(mean - closed) <= 4 * se + 2 * integrator, `${m}: simulated ${mean} vs closed form ${closed}`);
    far[m] = Math.abs(closed - trace(gd));
  }
  assert.ok(far['sme2c']! < far['sme1']! && far['sme2c']! < far['sme2']!, `corrected closest: ${JSON.stringify(far)}`);
});

test('smeStationaryCovariance refuses an unknown method and reports unstable directions', async () => {
  const system: LinearSystem = { k: 2, lr: 0.1, curvature: [1, 0, 0, -0.5], noise: [1, 0, 0, 1] };
  for (const m of METHODS) {
    const r = await smeStationaryCovariance(system, m);
    assert.is(r.covariance, null);
    assert.equal(r.unstable, [-0.5]);
  }
  let err: unknown = null;
  await smeStationaryCovariance(system, 'sme3' as SmeMethod).catch((e: unknown) => { err = e; });
  assert.match(String(err), /method: expected 'sme1', 'sme2', 'sme2c'/);
});

test.run();
