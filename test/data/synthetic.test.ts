/**
 * Synthetic tasks (docs/math.md §7 W4), the data generator and checkHostDataset: shapes, determinism,
 * targets against independent float64 formulas, and argument errors.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHostDataset, createRng, sineTask, teacherTask } from '../../src/data/index.js';
import { ArgumentError } from '../../src/errors.js';

function throwsArg(fn: () => unknown, re: RegExp, label: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ArgumentError, `${label}: ${(e as Error)?.name}`);
    assert.match((e as Error).message, re, `${label}: message "${(e as Error).message}"`);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

const sine = suite('sineTask');
sine('defaults: 64 sorted points in [-π, π), y = sin(x), 1 → 1', () => {
  const d = sineTask();
  checkHostDataset(d);
  assert.is(d.n, 64);
  assert.is(d.inDim, 1);
  assert.is(d.outDim, 1);
  assert.is(d.x.length, 64);
  for (let i = 0; i < 64; i++) {
    assert.ok(d.x[i]! >= -Math.PI && d.x[i]! <= Math.PI, `x[${i}] in range`);
    if (i > 0) assert.ok(d.x[i]! >= d.x[i - 1]!, 'sorted');
    assert.is(d.y[i], Math.fround(Math.sin(d.x[i]!)));
  }
  assert.equal(sineTask().x, d.x, 'deterministic');
  assert.equal(sineTask().y, d.y, 'deterministic');
  assert.not.equal(sineTask({ seed: 1 }).x, d.x, 'the seed matters');
});
sine('noise, frequency, range, grid spacing', () => {
  const clean = sineTask({ n: 50, seed: 3 });
  const noisy = sineTask({ n: 50, seed: 3, noise: 0.1 });
  assert.equal(noisy.x, clean.x, 'noise leaves x alone');
  let ss = 0;
  for (let i = 0; i < 50; i++) ss += (noisy.y[i]! - clean.y[i]!) ** 2;
  const sd = Math.sqrt(ss / 50);
  assert.ok(sd > 0.05 && sd < 0.2, `noise sd ${sd}`);
  assert.equal(sineTask({ n: 50, seed: 3, noise: 0.1 }).y, noisy.y);
  const g = sineTask({ n: 5, spacing: 'grid', xRange: [0, 2], frequency: 3 });
  assert.equal(Array.from(g.x), [0, 0.5, 1, 1.5, 2]);
  for (let i = 0; i < 5; i++) assert.is(g.y[i], Math.fround(Math.sin(3 * g.x[i]!)));
  assert.is(sineTask({ n: 1, spacing: 'grid' }).x[0], 0);
});
sine('bad options', () => {
  throwsArg(() => sineTask({ n: 0 }), /^opts\.n: expected an integer in \[1, /, 'n');
  throwsArg(() => sineTask({ noise: -1 }), /^opts\.noise: expected a non-negative number, got -1/, 'noise');
  throwsArg(() => sineTask({ noise: NaN }), /^opts\.noise: expected a finite number, got NaN/, 'noise NaN');
  throwsArg(() => sineTask({ xRange: [1, 1] }), /^opts\.xRange: expected lo < hi/, 'range');
  throwsArg(() => sineTask({ xRange: [0, Infinity] }), /^opts\.xRange\[1\]: expected a finite number/, 'range inf');
  throwsArg(() => sineTask({ seed: 2 ** 32 }), /^opts\.seed: /, 'seed');
  throwsArg(() => sineTask({ spacing: 'log' as 'grid' }), /^opts\.spacing: /, 'spacing');
});

const teacher = suite('teacherTask');
teacher('shapes, determinism, targets equal the returned teacher evaluated in float64', () => {
  const d = teacherTask({ n: 40, inDim: 3, width: 5, outDim: 2, seed: 9 });
  checkHostDataset(d);
  assert.is(d.n, 40);
  assert.is(d.x.length, 120);
  assert.is(d.y.length, 80);
  assert.equal(d.teacher.sizes, [3, 5, 2]);
  assert.is(d.teacher.params.length, 5 * 3 + 2 * 5);
  assert.equal(Array.from(d.teacher.params), [...d.teacher.w1, ...d.teacher.w2]);
  for (let s = 0; s < 40; s++) {
    for (let o = 0; o < 2; o++) {
      let v = 0;
      for (let k = 0; k < 5; k++) {
        let z = 0;
        for (let j = 0; j < 3; j++) z += d.teacher.params[k * 3 + j]! * d.x[s * 3 + j]!;
        v += d.teacher.params[15 + o * 5 + k]! * Math.tanh(z);
      }
      assert.is(d.y[s * 2 + o], Math.fround(v));
    }
  }
  const again = teacherTask({ n: 40, inDim: 3, width: 5, outDim: 2, seed: 9 });
  assert.equal(again.x, d.x);
  assert.equal(again.y, d.y);
  assert.not.equal(teacherTask({ n: 40, inDim: 3, width: 5, outDim: 2, seed: 10 }).y, d.y);
  const def = teacherTask();
  assert.is(def.n, 64);
  assert.is(def.inDim, 2);
  assert.is(def.outDim, 1);
  const noisy = teacherTask({ noise: 0.5 });
  assert.equal(noisy.x, def.x);
  assert.not.equal(noisy.y, def.y);
  throwsArg(() => teacherTask({ width: 0 }), /^opts\.width: expected an integer in \[1, /, 'width');
  throwsArg(() => teacherTask({ inDim: 1.5 }), /^opts\.inDim: /, 'inDim');
});

const gen = suite('data generator');
gen('deterministic per (seed, stream), uniform and normal moments', () => {
  const a = createRng(5), b = createRng(5), c = createRng(5, 1), z = createRng(6);
  const xs = Array.from({ length: 8 }, () => a.u32());
  assert.equal(Array.from({ length: 8 }, () => b.u32()), xs);
  assert.not.equal(Array.from({ length: 8 }, () => c.u32()), xs);
  assert.not.equal(Array.from({ length: 8 }, () => z.u32()), xs);
  const r = createRng(0);
  let s1 = 0, s2 = 0, m1 = 0, m2 = 0;
  const N = 200000;
  for (let i = 0; i < N; i++) {
    const u = r.float();
    assert.ok(u >= 0 && u < 1);
    s1 += u;
    s2 += u * u;
    const g = r.normal();
    m1 += g;
    m2 += g * g;
  }
  assert.ok(Math.abs(s1 / N - 0.5) < 0.005, `uniform mean ${s1 / N}`);
  assert.ok(Math.abs(s2 / N - 1 / 3) < 0.005, `uniform E u² ${s2 / N}`);
  assert.ok(Math.abs(m1 / N) < 0.01, `normal mean ${m1 / N}`);
  assert.ok(Math.abs(m2 / N - 1) < 0.02, `normal variance ${m2 / N}`);
  throwsArg(() => createRng(-1), /^seed: expected an integer in \[0, 4294967295\], got -1$/, 'seed');
});

const check = suite('checkHostDataset');
check('accepts a valid set and reports the first bad value by index, row and column', () => {
  const n = 2, inDim = 784;
  const good = { x: new Float32Array(n * inDim), y: new Float32Array(n * 10), n, inDim, outDim: 10, labels: Uint8Array.of(3, 9) };
  assert.is(checkHostDataset(good), good);
  const x = good.x.slice();
  x[1234] = NaN;
  x[1500] = Infinity;
  throwsArg(() => checkHostDataset({ ...good, x }), /^x: expected finite values, got NaN at index 1234 \(row 1, column 450\)$/, 'NaN');
  const y = good.y.slice();
  y[13] = -Infinity;
  throwsArg(() => checkHostDataset({ ...good, y }, 'train'), /^train\.y: expected finite values, got -Infinity at index 13 \(row 1, column 3\)$/, 'inf');
  throwsArg(() => checkHostDataset({ ...good, x: new Float32Array(5) }), /^x: expected n·inDim = 1568 values \(2 × 784\), got Float32Array\(5\)$/, 'length');
  throwsArg(() => checkHostDataset({ ...good, x: Array.from(good.x) }), /^x: expected a Float32Array, got array\(1568\)$/, 'type');
  throwsArg(() => checkHostDataset({ ...good, n: 0 }), /^n: expected an integer in \[1, /, 'n');
  throwsArg(() => checkHostDataset({ ...good, outDim: 0.5 }), /^outDim: /, 'outDim');
  throwsArg(() => checkHostDataset({ ...good, labels: Uint8Array.of(3, 10) }), /^labels: expected class indices in \[0, 9\] \(outDim 10\), got 10 at index 1$/, 'labels');
  throwsArg(() => checkHostDataset({ ...good, labels: Uint8Array.of(3) }), /^labels: expected n = 2 values/, 'labels length');
  throwsArg(() => checkHostDataset(null), /^data: expected an object/, 'null');
});

sine.run();
teacher.run();
gen.run();
check.run();
