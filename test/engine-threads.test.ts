/**
 * The thread count as a user option (createEngine({ threads }), the CLI's --threads) and the WASM
 * work it shares: every kernel that runs on the worker threads must give the same bits as one
 * thread, since each output element is computed by one thread with the same instructions and, for
 * gemm, the same k order (splits cut rows, columns or batch entries, never k). So the checks here
 * are exact (Object.is per element), not within a rounding bound.
 *
 * Sizes are above the thresholds from which the backend hands work to the threads (2^15 elements
 * for tanh/sigmoid, 2^18 for the others, 2^20 multiply-adds for gemm), with remainders that do not
 * divide evenly. 3 threads: an odd count, on any machine (extra threads just share the cores).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ACTIVATIONS, ArgumentError, createEngine, type Engine } from 'dropout-sme';
import { randomF32 } from './helpers/random.js';
import { engineOptions } from '../src/cli/options.js';

const one = await createEngine({ backend: 'wasm', threads: 1 });
const three = await createEngine({ backend: 'wasm', threads: 3 });

const opt = suite('threads option');

opt('an explicit count is used; 1 runs without workers', () => {
  assert.is(one.backendInfo.details.threads, 1);
  assert.is(three.backendInfo.details.threads, 3, `3 threads where shared memory exists (Node): ${three.backendInfo.description}`);
});

opt('bad counts are ArgumentErrors naming options.threads, whichever backend was asked for', async () => {
  for (const threads of [0, -1, 65, 2.5, NaN, 'many', null]) {
    for (const backend of ['wasm', 'webgpu', 'auto'] as const) {
      try {
        await createEngine({ backend, gpu: null, threads: threads as number });
        assert.unreachable(`threads ${String(threads)} (${backend}) was accepted`);
      } catch (err) {
        assert.instance(err, ArgumentError, `threads ${String(threads)}: ${String(err)}`);
        assert.match((err as Error).message, 'options.threads');
      }
    }
  }
});

opt("CLI --threads: 'auto' or 1 to 64", () => {
  assert.equal(engineOptions({ backend: 'wasm', threads: '4' }), { backend: 'wasm', threads: 4 });
  assert.equal(engineOptions({ backend: 'auto' }), { backend: 'auto', threads: 'auto' });
  for (const bad of ['0', '65', 'x', '1.5']) {
    // The CLI's copy of the errors is bundled with it (not the package's class): check by name.
    assert.throws(() => engineOptions({ backend: 'wasm', threads: bad }), (e: unknown) => (e as Error).name === 'ArgumentError' && /--threads/.test((e as Error).message));
  }
});
opt.run();

const same = suite('WASM on 3 threads gives the bits of 1 thread');

async function onBoth(run: (e: Engine) => Promise<Float32Array>): Promise<[Float32Array, Float32Array]> {
  return [await run(one), await run(three)];
}

function assertSameBits(label: string, a: Float32Array, b: Float32Array): void {
  assert.is(a.length, b.length, `${label}: length`);
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) assert.unreachable(`${label}: element ${i}: ${a[i]} (1 thread) vs ${b[i]} (3 threads)`);
  }
}

same('activation: every kind and derivative order, in place and not', async () => {
  const x = randomF32(100_003, 41, 4);
  for (const kind of ACTIVATIONS) {
    for (const order of [0, 1, 2] as const) {
      for (const inPlace of [false, true]) {
        const [a, b] = await onBoth(async (e) => {
          const k = e.kernels, tx = k.fromArray(x), ty = inPlace ? tx : k.create(x.length);
          k.activation(tx, ty, kind, order);
          const out = (await k.read(ty)) as Float32Array;
          k.dispose(tx);
          if (!inPlace) k.dispose(ty);
          return out;
        });
        assertSameBits(`${kind} order ${order}${inPlace ? ' in place' : ''}`, a, b);
      }
    }
  }
});

same('mul, out aliasing x', async () => {
  const x = randomF32(300_001, 42), y = randomF32(300_001, 43);
  const [a, b] = await onBoth(async (e) => {
    const k = e.kernels, tx = k.fromArray(x), ty = k.fromArray(y);
    k.mul(tx, ty, tx);
    const out = (await k.read(tx)) as Float32Array;
    k.dispose(tx);
    k.dispose(ty);
    return out;
  });
  assertSameBits('mul', a, b);
});

same('broadcast: one matrix (row split), 2 entries (row split per entry), 7 entries (batch split); add and mul', async () => {
  for (const [rows, cols, batch] of [[70_001, 5, 1], [150_001, 1, 2], [20_000, 3, 7]] as const) {
    for (const op of ['add', 'mul'] as const) {
      const x = randomF32(rows * cols * batch, 44), v = randomF32(cols * batch + 2, 45);
      const [a, b] = await onBoth(async (e) => {
        const k = e.kernels, tx = k.fromArray(x), tv = k.fromArray(v), to = k.create(x.length);
        k.broadcast(tx, tv, to, { rows, cols, op, batch, vStride: cols, vOffset: 2 });
        const out = (await k.read(to)) as Float32Array;
        for (const t of [tx, tv, to]) k.dispose(t);
        return out;
      });
      assertSameBits(`broadcast ${rows}×${cols}×${batch} ${op}`, a, b);
    }
  }
});

same('gemm: wide C (column split), tall C (row split), batches; transposes', async () => {
  const cases = [
    { m: 50, n: 784, k: 300, transA: true },
    { m: 50, n: 784, k: 300 },
    { m: 3000, n: 50, k: 100, transB: true },
    { m: 20, n: 20, k: 900, batch: 5, strideA: 20 * 900, strideB: 0, strideC: 400 },
  ];
  for (const c of cases) {
    const batch = c.batch ?? 1;
    const a = randomF32(c.m * c.k * batch, 46), bm = randomF32(c.k * c.n, 47);
    const [x, y] = await onBoth(async (e) => {
      const k = e.kernels, ta = k.fromArray(a), tb = k.fromArray(bm), tc = k.create(c.m * c.n * batch);
      k.gemm(ta, tb, tc, c);
      const out = (await k.read(tc)) as Float32Array;
      for (const t of [ta, tb, tc]) k.dispose(t);
      return out;
    });
    assertSameBits(`gemm ${JSON.stringify(c)}`, x, y);
  }
});

same.after(() => {
  one.dispose();
  three.dispose();
});
same.run();
