/**
 * The batched mask gradients cut into passes (noise/mask-gradients.ts): layer 0 is computed on a
 * run's first pass and kept for its others, and a new run at a new θ computes it again. The same
 * kernels run on the same inputs however the masks are cut, so the bits are the same: passes of 2
 * (2, 2, 1: the buffers are remade for the last) against one pass of 5, and a reused batcher after
 * θ moved against a fresh one.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Engine } from 'dropout-sme';
import { MaskGradientBatches, maskGradients } from '../../src/noise/mask-gradients.js';
import type { Mlp } from '../../src/model/mlp.js';
import { randomF32 } from '../helpers/random.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();
const COUNT = 5;

function sameBits(label: string, got: Float32Array, want: Float32Array): void {
  assert.is(got.length, want.length, `${label}: length`);
  for (let i = 0; i < got.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    assert.unreachable(`${label}: element ${i} is ${got[i]}, want ${want[i]} (the same kernels on the same inputs)`);
  }
}

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} mask gradients in passes`);
  const k = engine.kernels;
  const setup = (e: Engine, sizes: number[]) => {
    const n = 9, inDim = sizes[0]!, outDim = sizes[sizes.length - 1]!;
    const model = e.mlp({ sizes, keep: 0.6, seed: 8 }) as unknown as Mlp;
    const data = e.dataset({ x: randomF32(n * inDim, 5), y: randomF32(n * outDim, 6), n, inDim, outDim });
    return { model, data };
  };

  s('passes of 2 (2, 2, 1) give the bits of one pass of 5 (2 and 3 layers)', async () => {
    for (const sizes of [[3, 7, 2], [3, 6, 5, 2]]) {
      const { model, data } = setup(engine, sizes);
      const one = k.create(COUNT * model.size), cut = k.create(COUNT * model.size);
      maskGradients(model, data, one, { count: COUNT, seed: 21, stepOffset: 3, perPass: COUNT });
      maskGradients(model, data, cut, { count: COUNT, seed: 21, stepOffset: 3, perPass: 2 });
      sameBits(sizes.join('-'), (await k.read(cut)) as Float32Array, (await k.read(one)) as Float32Array);
      k.dispose(one);
      k.dispose(cut);
      model.dispose();
      data.dispose();
    }
  });

  s('a batcher run again after θ moved computes layer 0 at the new θ', async () => {
    const { model, data } = setup(engine, [3, 6, 5, 2]);
    const batches = new MaskGradientBatches(model, data, 2);
    const reused = k.create(COUNT * model.size), fresh = k.create(COUNT * model.size);
    batches.run(21, 3, COUNT, reused);
    const before = (await k.read(reused)) as Float32Array;
    const theta = await model.getParams();
    await model.setParams(theta.map((v, i) => v + 0.05 * Math.sin(i)));
    batches.run(21, 3, COUNT, reused);
    maskGradients(model, data, fresh, { count: COUNT, seed: 21, stepOffset: 3, perPass: 2 });
    const after = (await k.read(reused)) as Float32Array;
    sameBits('after θ moved', after, (await k.read(fresh)) as Float32Array);
    assert.ok(after.some((v, i) => v !== before[i]), 'θ moved, so the gradients moved');
    batches.dispose();
    k.dispose(reused);
    k.dispose(fresh);
    model.dispose();
    data.dispose();
  });

  s.run();
}
