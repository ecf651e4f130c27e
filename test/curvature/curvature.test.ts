/**
 * Curvature algorithms: Lanczos against known spectra (including a breakdown that forces a
 * restart), Lanczos top-10 of a model's Hessian against the dense float64 eigensolver of its dense
 * Hessian, Hutchinson's trace against the exact trace, SLQ's density moments, and both backends
 * agreeing. Ritz values are compared with |θ − λ| ≤ 1e-5·max|λ|: f32 vectors carry ~1e-7 relative
 * error per HVP, and a converged Ritz value's error is quadratic in the residual (≤ tol² = 1e-8).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { symmetricEigen, type Engine } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

function smallTask(n: number, d: number, c: number, seed: number) {
  const x = randomF32(n * d, seed, 1.5), y = randomF32(n * c, seed + 1);
  return { x, y, n, inDim: d, outDim: c };
}

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} curvature`);
  const k = engine.kernels;

  s('Lanczos on a diagonal operator finds the top, bottom and largest-magnitude eigenvalues', async () => {
    // A bulk in [−1, 1] with separated outliers at both ends (Lanczos resolves separated extremes;
    // tight clusters would need block methods).
    const d = 600;
    const lambda = Float32Array.from({ length: d }, (_, i) => Math.fround(Math.sin(i * 1.7)));
    [40, 31, 25, 17, 12].forEach((v, i) => { lambda[10 * i + 3] = v; });
    [-35, -28, -21, -15, -9].forEach((v, i) => { lambda[10 * i + 7] = v; });
    const diag = k.fromArray(lambda), out = k.create(d);
    const apply = (v: Parameters<typeof k.dispose>[0]) => { k.mul(diag, v, out); return out; };
    const { lanczosEigenForTests } = await import('./_lanczos-access.js');
    const want = { LA: [40, 31, 25, 17, 12], SA: [-35, -28, -21, -15, -9], LM: [40, -35, 31, -28, 25] };
    for (const which of ['LA', 'SA', 'LM'] as const) {
      const r = await lanczosEigenForTests(k, d, apply, { k: 5, which, steps: 40, tol: 1e-5 });
      assert.ok(r.converged, `${which} converged`);
      assertWithin(`Lanczos ${which}`, r.values, want[which], 1e-5 * 40);
    }
    k.dispose(diag);
    k.dispose(out);
  });

  s('a breakdown (3 distinct eigenvalues) restarts and still finds repeated eigenvalues', async () => {
    const d = 400;
    const lambda = Float32Array.from({ length: d }, (_, i) => (i < 3 ? 5 : i < 100 ? 2 : 1));
    const diag = k.fromArray(lambda), out = k.create(d);
    const apply = (v: Parameters<typeof k.dispose>[0]) => { k.mul(diag, v, out); return out; };
    const { lanczosEigenForTests } = await import('./_lanczos-access.js');
    const r = await lanczosEigenForTests(k, d, apply, { k: 3, which: 'LA', steps: 12, tol: 1e-5 });
    assert.ok(r.restarts.length > 0, 'the Krylov space of a 3-valued spectrum is exhausted after 3 steps');
    assertWithin('repeated top eigenvalue', r.values, [5, 5, 5], 1e-4);
    k.dispose(diag);
    k.dispose(out);
  });

  s('Lanczos top-10 of a model Hessian equals the dense eigensolver; trace and density agree', async () => {
    const host = smallTask(60, 12, 3, 17);
    const model = engine.mlp({ sizes: [12, 20, 3], keep: 0.8, seed: 2 });
    const data = engine.dataset(host);
    // Train a little so the Hessian has a non-trivial spectrum of both signs.
    await engine.train(model, data, { lr: 0.2, steps: 100, seed: 1, dropout: false });
    const d = model.size;
    for (const of of ['loss', 'modified'] as const) {
      const dense = await engine.hessian(model, data, { of });
      const exact = await symmetricEigen(dense, d);
      const desc = Array.from(exact.values).reverse();
      const scale = Math.max(Math.abs(desc[0]!), Math.abs(desc[d - 1]!));
      const top = await engine.hessianEigen(model, data, { k: 10, of, tol: 1e-5, seed: 3 });
      assert.ok(top.converged, `${of}: Lanczos converged (residuals ${Array.from(top.residuals)})`);
      assertWithin(`${of}: top-10 Ritz values`, top.values, desc.slice(0, 10), 1e-5 * scale);
      // Ritz vectors are eigenvectors: |⟨y, u⟩| ≈ 1 for the dense eigenvector of a simple eigenvalue.
      const u0 = Array.from({ length: d }, (_, i) => exact.vectors![i * d + d - 1]!);
      const dot = u0.reduce((a, u, i) => a + u * top.vectors[i]!, 0);
      assert.ok(Math.abs(Math.abs(dot) - 1) < 1e-3, `${of}: |⟨y₀, u₀⟩| = ${Math.abs(dot)}`);
      if (of === 'modified') continue; // trace and density of H_{L_S} use the same code paths
      let trace = 0, fro2 = 0;
      for (let i = 0; i < d; i++) trace += dense[i * d + i]!;
      for (const v of dense) fro2 += v * v;
      const h = await engine.hessianTrace(model, data, { of, probes: 100, seed: 4 });
      // Exact Hutchinson variance: 2(‖H‖_F² − Σ H_ii²)/P; allow 4 standard deviations.
      let diag2 = 0;
      for (let i = 0; i < d; i++) diag2 += dense[i * d + i]! ** 2;
      const sd = Math.sqrt((2 * (fro2 - diag2)) / 100);
      assert.ok(Math.abs(h.trace - trace) <= 4 * sd, `${of}: Hutchinson ${h.trace} vs exact ${trace} (sd ${sd})`);
      const slq = await engine.hessianDensity(model, data, { of, probes: 4, steps: 40, seed: 5 });
      const dx = slq.grid[1]! - slq.grid[0]!;
      const mass = slq.density.reduce((a, b) => a + b, 0) * dx;
      assert.ok(Math.abs(mass - 1) < 1e-3, `density integrates to ${mass}`);
      let mean = 0;
      for (let i = 0; i < slq.nodes.length; i++) mean += (slq.weights[i]! * slq.nodes[i]!) / 4;
      // Each probe's Σ τθ = vᵀHv, v = z/√D: mean tr(H)/D, variance 100·sd²/D² per probe; 5 sd of 4 probes.
      assert.ok(Math.abs(mean - trace / d) <= (5 * Math.sqrt(25) * sd) / d + 1e-6 * scale, `SLQ mean ${mean} vs tr/D ${trace / d}`);
      assert.ok(Math.min(...slq.nodes) >= desc[d - 1]! - 1e-4 * scale && Math.max(...slq.nodes) <= desc[0]! + 1e-4 * scale, 'nodes inside the spectrum');
    }
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}
