/**
 * Batched paths (the default of engine.simulate: P paths' parameters in one P × D tensor, every
 * step batched kernels) against the sequential implementation (mode 'sequential', the reference)
 * path by path, on both backends: every method, both SME noise samplers, paths split over several
 * batches (pathsPerBatch 2 for 5 paths: batches of 2, 2, 1).
 *
 * Tolerance: both sides draw the same masks and Gaussians; they differ only in float32 rounding
 * (summation order: block-summed GEMMs against per-mask gradients, GEMM row sums against the
 * reduce kernel), so every recorded value and final θ agrees within 1e-4 of the largest |value|
 * of its array, the bound the WASM-vs-WebGPU SME test uses for the same kind of difference.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine, SimulateOptions } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

function assertClose(a: Float32Array, b: Float32Array, what: string): void {
  assert.is(a.length, b.length, `${what}: length`);
  let diff = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    assert.ok(Number.isFinite(a[i]!), `${what}[${i}] finite`);
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  assert.ok(diff <= 1e-4 * scale, `${what}: max |batched − sequential| = ${diff} (max |value| ${scale})`);
}

type Case = { label: string; sizes: number[]; loss?: 'mse' | 'xent'; options: Omit<SimulateOptions, 'lr' | 'steps'> & { lr?: number; steps?: number } };

const CASES: Case[] = [
  { label: 'dropout GD', sizes: [3, 6, 2], options: { method: 'dropout-gd' } },
  { label: 'GD on L_S', sizes: [3, 6, 2], options: { method: 'gd-modified' } },
  { label: 'GD on R_S', sizes: [3, 6, 2], options: { method: 'gd' } },
  { label: 'SME order 1, mask pairs', sizes: [3, 6, 2], options: { method: 'sme1', substeps: 2, pairs: 2 } },
  { label: 'SME order 2, mask pairs', sizes: [3, 6, 2], options: { method: 'sme2', substeps: 2, pairs: 2 } },
  { label: 'SME order 1, frozen factor', sizes: [3, 6, 2], options: { method: 'sme1', noise: 'frozen', samples: 4, refresh: 3 } },
  { label: 'SME order 2, frozen factor', sizes: [3, 6, 2], options: { method: 'sme2', noise: 'frozen', samples: 3, refresh: 2, substeps: 2 } },
  { label: 'SME order 1, coupled (r = 2) antithetic mask pairs', sizes: [3, 6, 2], options: { method: 'sme1', substeps: 2, pairs: 2, coupling: 2, antithetic: true, paths: 6 } },
  { label: 'SME order 2, coupled (r = 4) antithetic mask pairs', sizes: [3, 6, 2], options: { method: 'sme2', substeps: 1, pairs: 1, coupling: 4, antithetic: true, paths: 6 } },
  { label: 'SME order 2, coupled antithetic frozen factor', sizes: [3, 6, 2], options: { method: 'sme2', noise: 'frozen', samples: 3, refresh: 2, coupling: 3, antithetic: true, paths: 6 } },
  { label: 'SME order 2, drift alone', sizes: [3, 6, 2], options: { method: 'sme2', substeps: 3, noise: 'none' } },
  { label: 'SME, corrected diffusion, mask pairs', sizes: [3, 6, 2], options: { method: 'sme2c', substeps: 2, pairs: 2 } },
  { label: 'SME, corrected diffusion, frozen factor', sizes: [3, 6, 2], options: { method: 'sme2c', noise: 'frozen', samples: 3, refresh: 2, substeps: 2 } },
  { label: 'SME, corrected diffusion, coupled (r = 4) antithetic mask pairs', sizes: [3, 6, 2], options: { method: 'sme2c', substeps: 1, pairs: 1, coupling: 4, antithetic: true, paths: 6 } },
  { label: 'SME, corrected diffusion, drift alone', sizes: [3, 6, 2], options: { method: 'sme2c', substeps: 3, noise: 'none' } },
  { label: 'dropout GD, two dropout layers', sizes: [3, 5, 4, 2], options: { method: 'dropout-gd' } },
  { label: 'dropout GD, cross-entropy', sizes: [3, 6, 3], loss: 'xent', options: { method: 'dropout-gd' } },
];

for (const engine of present(engines)) {
  const s = suite(`${engine.backend}: batched paths equal sequential paths`);
  // SwiftShader emulates the GPU on the CPU: fewer steps there.
  const steps = engine.backend === 'wasm' ? 6 : 3;
  const n = 10;

  const run = async (e: Engine, c: Case, mode: 'batched' | 'sequential') => {
    const outDim = c.sizes[c.sizes.length - 1]!;
    const x = randomF32(n * c.sizes[0]!, 51, 1.5);
    let y = randomF32(n * outDim, 52);
    if (c.loss === 'xent') y = Float32Array.from({ length: n * outDim }, (_, i) => (i % outDim === (Math.floor(i / outDim) % outDim) ? 1 : 0));
    const model = e.mlp({ sizes: c.sizes, keep: 0.7, seed: 4, ...(c.loss ? { loss: c.loss } : {}) });
    const data = e.dataset({ x, y, n, inDim: c.sizes[0]!, outDim });
    const before = await model.getParams();
    try {
      const r = await e.simulate(model, data, { lr: 0.1, steps, paths: 5, seed: 11, recordEvery: 2, keepFinal: true, pathsPerBatch: 2, mode, ...c.options });
      assert.equal(await model.getParams(), before, 'the model parameters are restored');
      return r;
    } finally {
      model.dispose();
      data.dispose();
    }
  };

  for (const c of CASES) {
    s(c.label, async () => {
      const a = await run(engine, c, 'batched');
      const b = await run(engine, c, 'sequential');
      assert.equal(Array.from(a.times), Array.from(b.times));
      assertClose(a.loss, b.loss, 'R_S records');
      assertClose(a.normSq, b.normSq, '‖θ‖² records');
      assertClose(a.final!, b.final!, 'final θ');
      if (c.options.method !== 'gd' && c.options.method !== 'gd-modified' && c.options.noise !== 'none') {
        // Independent paths: path 0 and path 4 (another batch) end apart.
        const d = a.final!.length / a.paths;
        let apart = 0;
        for (let i = 0; i < d; i++) apart = Math.max(apart, Math.abs(a.final![i]! - a.final![4 * d + i]!));
        assert.ok(apart > 1e-4, `paths 0 and 4 differ (max ${apart})`);
      }
      if (c.options.antithetic) {
        // An antithetic pair (paths 0 and 1, one batch) moves to opposite sides of its shared drift.
        const d = a.final!.length / a.paths;
        let apart = 0;
        for (let i = 0; i < d; i++) apart = Math.max(apart, Math.abs(a.final![i]! - a.final![d + i]!));
        assert.ok(apart > 1e-4, `antithetic paths 0 and 1 differ (max ${apart})`);
      }
    });
  }

  s('per-sample masks fall back to the sequential implementation (same paths)', async () => {
    const host = { x: randomF32(8, 61), y: randomF32(8, 62), n: 8, inDim: 1, outDim: 1 };
    const finals: Float32Array[] = [];
    for (const mode of ['batched', 'sequential'] as const) {
      const model = engine.mlp({ sizes: [1, 4, 1], keep: 0.6, seed: 1, masks: 'per-sample' });
      const data = engine.dataset(host);
      finals.push((await engine.simulate(model, data, { method: 'dropout-gd', lr: 0.1, steps: 2, paths: 2, keepFinal: true, mode })).final!);
      model.dispose();
      data.dispose();
    }
    assert.equal(finals[0], finals[1]);
  });

  s('pathsPerBatch and mode are validated', async () => {
    const model = engine.mlp({ sizes: [1, 3, 1], keep: 0.5 });
    const data = engine.dataset({ x: new Float32Array([0, 1]), y: new Float32Array([1, 0]), n: 2, inDim: 1, outDim: 1 });
    for (const [bad, re] of [
      [{ pathsPerBatch: 0 }, /options\.pathsPerBatch: expected an integer/],
      [{ pathsPerBatch: 1.5 }, /options\.pathsPerBatch/],
      [{ mode: 'parallel' }, /options\.mode/],
    ] as const) {
      let err: unknown = null;
      await engine.simulate(model, data, { method: 'sme1', lr: 0.1, steps: 1, ...bad } as never).catch((x: unknown) => { err = x; });
      assert.match(String(err), re);
    }
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}
