/**
 * The engine option splitK (a benchmarking hook, so bench/peers.bench.ts can measure what split-K
 * buys in one run): with false, a gemm the plan would cut into k slabs (a weight gradient, 50 × 52
 * over k = 10,003) runs whole. Its result stays within the rounding bound of float64, and its bits
 * differ from the split run's: one sum over k against slab sums added up, which round differently
 * somewhere among 2,600 elements. Anything but a boolean is refused, naming the option, whichever
 * backend runs.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, createEngine, type GemmOptions } from 'dropout-sme';
import { gamma, gemmRef } from '../helpers/reference.js';
import { assertWithin } from '../helpers/compare.js';
import { testEngines } from '../helpers/engines.js';
import { randomF32 } from '../helpers/random.js';

const engines = await testEngines();
const s = suite('webgpu: split-K switched off');

s('options.splitK must be true or false', async () => {
  for (const backend of ['wasm', 'webgpu'] as const) {
    let err: unknown = null;
    await createEngine({ backend, splitK: 'no' as never }).then((e) => e.dispose(), (x: unknown) => { err = x; });
    assert.instance(err, ArgumentError, backend);
    assert.match((err as Error).message, /^options\.splitK: expected true or false/);
  }
});

if (engines.webgpu) {
  s('splitK false: a weight gradient over k 10,003 runs whole, within rounding of float64', async () => {
    const whole = await createEngine({ backend: 'webgpu', splitK: false });
    try {
      assert.is(whole.backendInfo.details?.splitK, false);
      const o: Required<GemmOptions> = {
        m: 50, n: 52, k: 10003, batch: 1, transA: true, transB: false, alpha: 1, beta: 0,
        strideA: 0, strideB: 0, strideC: 0, offsetA: 0, offsetB: 0, offsetC: 0,
      };
      const a = randomF32(o.m * o.k, 71), b = randomF32(o.k * o.n, 72), c0 = new Float32Array(o.m * o.n).fill(NaN);
      const run = async (e: typeof whole) => {
        const k = e.kernels, ta = k.fromArray(a), tb = k.fromArray(b), tc = k.fromArray(c0);
        k.gemm(ta, tb, tc, o);
        const got = (await k.read(tc)) as Float32Array;
        for (const t of [ta, tb, tc]) k.dispose(t);
        return got;
      };
      const got = await run(whole), split = await run(engines.webgpu!);
      const exact = gemmRef(a, b, c0, o);
      // k products and one scaling by α: at most k + 1 roundings per element, in any order.
      assertWithin('whole vs float64', got, exact.value, exact.magnitude.map((mag) => gamma(o.k + 1) * mag));
      assert.ok(got.some((v, i) => !Object.is(v, split[i])), 'the same bits as the split run: split-K was not switched off');
    } finally {
      whole.dispose();
    }
  });
} else {
  s('WebGPU absent: nothing to switch off', () => {
    console.log(`NOTE: ${engines.missing}`);
  });
}

s('engines dispose', () => {
  engines.wasm.dispose();
  engines.webgpu?.dispose();
});

s.run();
