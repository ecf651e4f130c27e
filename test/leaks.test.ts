/**
 * No leaks: every algorithm returns the device tensors it borrowed. The count of live tensors
 * (on WebGPU: live GPU buffers) and the device memory (WASM: the linear memory's size; WebGPU: the
 * live buffers' bytes) are the same after 10,000 more training steps, after one and after many
 * repetitions of every algorithm, and back at their baseline once the model and the data are
 * disposed. The long run reads the loss back every 1,000 steps and keeps no checkpoints (each
 * read-back is a GPU round trip, slow on SwiftShader); leaks do not depend on it.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { sineTask } from 'dropout-sme';
import { present, testEngines } from './helpers/engines.js';

const engines = await testEngines();

for (const engine of present(engines)) {
  const s = suite(`${engine.backend}: live tensors stay flat`);
  const k = engine.kernels;

  s('training, HVPs, noise, SME, curvature and alignment return what they borrow', async () => {
    const baseline = k.liveTensors(), baselineBytes = k.memoryBytes();
    const data = engine.dataset(sineTask({ n: 16, seed: 1 }));
    const model = engine.mlp({ sizes: [1, 8, 1], keep: 0.8, seed: 2 });
    const steps = 10000;
    await engine.train(model, data, { lr: 0.05, steps: 10, seed: 1 });
    const settled = k.liveTensors(), bytes = k.memoryBytes(); // the model's cached workspaces now exist
    await engine.train(model, data, { lr: 0.05, steps, seed: 1, startStep: 10, lossEvery: 100, checkEvery: 1000, checkpointEvery: 0 });
    assert.is(k.liveTensors(), settled, `live tensors after ${steps} more steps`);
    assert.is(k.memoryBytes(), bytes, `device memory after ${steps} more steps`);
    await engine.train(model, data, { lr: 0.05, steps: 20, seed: 1, batchSize: 4, isotropicNoise: 1e-4 });
    const afterSgd = k.liveTensors(); // plus the batch-size-4 workspace
    await engine.train(model, data, { lr: 0.05, steps: 20, seed: 2, batchSize: 4, isotropicNoise: 1e-4 });
    assert.is(k.liveTensors(), afterSgd, 'a second SGD run reuses the workspace');
    const v = new Float32Array(model.size).fill(0.1);
    const start = await model.getParams();
    const window = (await engine.train(model, data, { lr: 0.05, steps: 8, seed: 3, snapshotEvery: 2 })).snapshots!;
    let afterFirst = -1;
    for (let i = 0; i < 3; i++) {
      await model.hvp(data, v, { of: 'modified' });
      await engine.noiseFactor(model, data, { samples: 4 });
      await engine.simulate(model, data, { method: 'sme2', lr: 0.05, steps: 3, paths: 2, keepFinal: true });
      await engine.simulate(model, data, { method: 'sme1', lr: 0.05, steps: 3, noise: 'frozen', samples: 4, refresh: 2 });
      await engine.hessianEigen(model, data, { k: 2, steps: 6 });
      await engine.hessianTrace(model, data, { probes: 3 });
      await engine.hessianDensity(model, data, { probes: 1, steps: 5 });
      const f = await engine.noiseFactor(model, data, { samples: 3 });
      await engine.alignment(model, data, f.factor, 3, { probes: 3, nullSamples: 2 });
      for (const basis of ['pca', 'hessian'] as const) {
        await engine.predictWindow(model, data, window, 4, { lr: 0.05, start, settle: 0, every: 2, basis, k: 2, noiseSamples: 3, hvpSamples: 2 });
      }
      if (i === 0) afterFirst = k.liveTensors();
      else assert.is(k.liveTensors(), afterFirst, `round ${i}: live tensors grew`);
    }
    assert.ok(k.liveTensors() >= afterSgd, 'cached HVP workspaces only add');
    model.dispose();
    data.dispose();
    assert.is(k.liveTensors(), baseline, 'back to the baseline after dispose');
    if (engine.backend === 'webgpu') assert.is(k.memoryBytes(), baselineBytes, 'buffer bytes back to the baseline');
  });

  s.after(() => engine.dispose());
  s.run();
}

