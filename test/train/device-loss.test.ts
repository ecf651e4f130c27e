/**
 * Device loss (issue 8.4): a WebGPU device destroyed mid-training (Dawn's GPUDevice.destroy()
 * resolves device.lost with reason 'destroyed', as a driver reset would) stops train with a
 * DeviceLostError that carries the last checkpoint read back before the loss; every later call
 * on the engine throws DeviceLostError; backendInfo records it; and a WASM engine resumed from the
 * checkpoint (setParams + startStep) ends where an uninterrupted WASM run ends.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createEngine, DeviceLostError, type Engine, type TrainCheckpoint } from 'dropout-sme';
import { randomF32 } from '../helpers/random.js';
import { testEngines } from '../helpers/engines.js';
import { assertBitIdentical } from '../helpers/compare.js';

const engines = await testEngines();
const s = suite('device loss and resuming from a checkpoint');

const n = 48, inDim = 6, outDim = 3;
const x = randomF32(n * inDim, 31);
const y = new Float32Array(n * outDim);
for (let i = 0; i < n; i++) y[i * outDim + (i % outDim)] = 1;
const host = { x, y, n, inDim, outDim };
const modelOptions = { sizes: [inDim, 24, outDim], keep: 0.8, seed: 5 };
/** Dropout SGD (mini-batches exercise the resumed batch order too), checkpoints every 10 steps. */
const STEPS = 60;
const trainOptions = { lr: 0.2, seed: 7, batchSize: 20, checkEvery: 10 };

async function run(e: Engine, steps: number, params?: Float32Array, startStep = 0) {
  const model = e.mlp(modelOptions), data = e.dataset(host);
  if (params) model.setParams(params);
  const r = await e.train(model, data, { ...trainOptions, steps, startStep });
  const out = { params: await model.getParams(), losses: r.losses };
  model.dispose();
  data.dispose();
  return out;
}

s('WASM: a run resumed from its checkpoint equals the uninterrupted run bit for bit', async () => {
  const whole = await run(engines.wasm, STEPS);
  const first = await run(engines.wasm, 30);
  const rest = await run(engines.wasm, STEPS - 30, first.params, 30);
  assertBitIdentical('θ after 30 + 30 steps vs 60', rest.params, whole.params);
  assertBitIdentical('losses of steps 30…59', rest.losses, whole.losses.subarray(30));
});

s('WebGPU device destroyed mid-training: DeviceLostError with the last checkpoint; resume on WASM', async () => {
  if (!engines.webgpu) { console.log(`  NOTE: WebGPU absent (${engines.missing}); device loss not simulated here`); return; }
  const gpu = await createEngine({ backend: 'webgpu' });
  const model = gpu.mlp(modelOptions), data = gpu.dataset(host);
  const device = (gpu.kernels as unknown as { device: GPUDevice }).device;
  let err: unknown = null;
  await gpu.train(model, data, {
    ...trainOptions, steps: STEPS, progressEvery: 5,
    onProgress: (done) => { if (done === 35) device.destroy(); },
  }).catch((e: unknown) => { err = e; });
  assert.instance(err, DeviceLostError, `train rejected with ${String(err)}`);
  const cp = (err as DeviceLostError).checkpoint as TrainCheckpoint;
  assert.ok(cp, 'the error carries a checkpoint');
  // Checkpoints at 0, 10, 20, 30 precede the loss after step 35; none is taken after it.
  assert.is(cp.completed, 30);
  assert.is(cp.step, 30);
  assert.is(cp.params.length, model.size);
  assert.is(cp.losses.length, 30);
  assert.equal(Array.from(cp.lossSteps), Array.from({ length: 30 }, (_, i) => i));
  assert.match(String(gpu.backendInfo.deviceLost), /destroyed/);
  // Every later call says the same thing, synchronously or as a rejection, and never hangs.
  assert.throws(() => gpu.kernels.create(4), (e: Error) => e instanceof DeviceLostError);
  let later: unknown = null;
  await model.loss(data).catch((e: unknown) => { later = e; });
  assert.instance(later, DeviceLostError);
  gpu.dispose();

  // Continue on WASM from the checkpoint; compare with an uninterrupted WASM run.
  const resumed = await run(engines.wasm, STEPS - cp.completed, cp.params, cp.step);
  const whole = await run(engines.wasm, STEPS);
  let diff = 0, scale = 0;
  for (let i = 0; i < whole.params.length; i++) {
    diff = Math.max(diff, Math.abs(resumed.params[i]! - whole.params[i]!));
    scale = Math.max(scale, Math.abs(whole.params[i]!));
  }
  // 30 steps on WebGPU then 30 on WASM, against 60 on WASM: the same masks and batches, only
  // rounding differs; the cross-backend bound of test/train/train.test.ts (1e-4 · max|θ|).
  assert.ok(diff <= 1e-4 * scale, `max |θ_resumed − θ_wasm| = ${diff} (max |θ| = ${scale})`);
  for (let i = 0; i < 30; i++) {
    assert.ok(Math.abs(cp.losses[i]! - whole.losses[i]!) <= 1e-4 * Math.abs(whole.losses[i]!), `loss ${i}: ${cp.losses[i]} vs ${whole.losses[i]}`);
  }
  console.log(`  resumed on WASM after a lost device: max |Δθ| = ${diff.toExponential(2)} (max |θ| ${scale.toFixed(3)})`);
});

s('engines dispose', () => {
  engines.wasm.dispose();
  engines.webgpu?.dispose();
});
s.run();
