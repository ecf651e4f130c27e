/** Bad input gets an error naming the argument and the expectation, on every present backend. */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, DisposedError, type Engine } from 'dropout-sme';
import { present, testEngines } from './helpers/engines.js';

const engines = await testEngines();
const all = present(engines);

function throwsWith(fn: () => unknown, type: new (...a: never[]) => Error, pattern: RegExp): void {
  try {
    fn();
  } catch (err) {
    assert.instance(err, type);
    assert.match((err as Error).message, pattern);
    return;
  }
  assert.unreachable(`expected ${type.name} matching ${pattern}`);
}

for (const engine of all) defineValidation(engine);

function defineValidation(engine: Engine): void {
  const k = engine.kernels;
  const s = suite(`${engine.backend} input validation`);

  s('sizes and data', () => {
    throwsWith(() => k.create(0), ArgumentError, /size: expected an integer in \[1, /);
    throwsWith(() => k.create(2.5), ArgumentError, /size/);
    throwsWith(() => k.create(4, 'f64' as never), ArgumentError, /dtype: expected 'f32' or 'u32'/);
    throwsWith(() => k.fromArray([1, 2] as never), ArgumentError, /data: expected a Float32Array or Uint32Array/);
    const t = k.create(4);
    throwsWith(() => k.write(t, new Float32Array(5)), ArgumentError, /t: expected at least 5 elements/);
    throwsWith(() => k.write(t, new Float32Array(2), 3), ArgumentError, /at least 5 elements/);
    throwsWith(() => k.copy(t, t, 0, 2, 3), ArgumentError, /dst: expected at least 5 elements/);
    k.dispose(t);
  });

  s('gemm shapes', () => {
    const a = k.create(6), b = k.create(6), c = k.create(4), u = k.create(6, 'u32');
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 2, k: 4 }), ArgumentError, /^a: expected at least 8 elements for this gemm shape, got 6/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 3, k: 3 }), ArgumentError, /^b: expected at least 9 elements/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 3, k: 2 }), ArgumentError, /^c: expected at least 6 elements/);
    throwsWith(() => k.gemm(a, b, c, { m: 0, n: 2, k: 2 }), ArgumentError, /opts\.m: expected an integer/);
    throwsWith(() => k.gemm(a, b, c, { m: 2, n: 2, k: 3, alpha: NaN }), ArgumentError, /opts\.alpha: expected a finite number/);
    throwsWith(() => k.gemm(u, b, c, { m: 2, n: 2, k: 3 }), ArgumentError, /^a: expected a f32 tensor/);
    throwsWith(() => k.gemm(a, b, c, { m: 1, n: 1, k: 1, batch: 2, strideC: 0 }), ArgumentError, /opts\.strideC/);
    for (const t of [a, b, c, u]) k.dispose(t);
  });

  s('kernels name their argument', () => {
    const x = k.create(8), y = k.create(9), out = k.create(1);
    throwsWith(() => k.axpy(1, x, y), ArgumentError, /^y: expected 8 elements like x, got 9/);
    throwsWith(() => k.activation(x, x, 'gelu' as never), ArgumentError, /^kind: expected one of tanh, relu, sigmoid, identity, got "gelu"/);
    throwsWith(() => k.reduce('max' as never, x, null, out), ArgumentError, /^op: expected one of sum, dot, sumsq/);
    throwsWith(() => k.reduce('dot', x, null, out), ArgumentError, /^y: expected a Tensor/);
    throwsWith(() => k.reduce('sum', x, null, out, 1), ArgumentError, /^out: expected at least 2 elements/);
    throwsWith(() => k.mask(x, { keep: 0, units: 8, samples: 1, seed: 1, step: 0, layer: 0 }), ArgumentError, /opts\.keep: expected a number in \(0, 1\], got 0/);
    throwsWith(() => k.mask(x, { keep: 1.5, units: 8, samples: 1, seed: 1, step: 0, layer: 0 }), ArgumentError, /opts\.keep/);
    throwsWith(() => k.mask(x, { keep: 0.5, units: 8, samples: 2, seed: 1, step: 0, layer: 0 }), ArgumentError, /^out: expected at least 16 elements/);
    throwsWith(() => k.mask(x, { keep: 0.5, units: 8, samples: 1, seed: -1, step: 0, layer: 0 }), ArgumentError, /opts\.seed: expected an integer in \[0, 4294967295\]/);
    for (const t of [x, y, out]) k.dispose(t);
  });

  s('disposed tensors and foreign tensors are refused', async () => {
    const x = k.create(4);
    k.dispose(x);
    throwsWith(() => k.scale(2, x), DisposedError, /x: tensor was disposed/);
    let rejected = false;
    await k.read(x).catch((err: unknown) => { rejected = err instanceof DisposedError; });
    assert.ok(rejected, 'read of a disposed tensor rejects with DisposedError');
    const other = all.find((e) => e !== engine);
    if (other) {
      const f = other.kernels.create(4), mine = k.create(4);
      throwsWith(() => k.axpy(1, f, mine), ArgumentError, new RegExp(`^x: expected a tensor of the ${k.name} backend`));
      other.kernels.dispose(f);
      k.dispose(mine);
    }
  });

  s.run();
}

const end = suite('cleanup');
end('engines dispose', () => {
  for (const e of all) e.dispose();
});
end.run();
