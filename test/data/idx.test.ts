/**
 * IDX files: round trips for every type code with and without gzip, the MNIST-style data set
 * loader (scaling, one-hot, count mismatch, swapped files) and clear errors for malformed files,
 * including gzip data that decompresses to more than its header declares.
 */
import { Buffer } from 'node:buffer';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gzip, loadIdxDataset, readIdx, readIdxSync, writeIdx, type IdxData } from '../../src/data/index.js';
import { ArgumentError } from '../../src/errors.js';
import { rng } from '../helpers/random.js';

async function rejectsArg(fn: () => unknown, re: RegExp, label: string): Promise<void> {
  try {
    await fn();
  } catch (e) {
    assert.instance(e, ArgumentError, `${label}: wrong error type ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.match((e as Error).message, re, `${label}: message "${(e as Error).message}"`);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

const be32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

function sample(kind: string, n: number, seed: number): IdxData {
  const r = rng(seed);
  const u = () => r();
  switch (kind) {
    case 'u8': return Uint8Array.from({ length: n }, () => Math.floor(u() * 256));
    case 'i8': return Int8Array.from({ length: n }, () => Math.floor(u() * 256) - 128);
    case 'i16': return Int16Array.from({ length: n }, () => Math.floor(u() * 65536) - 32768);
    case 'i32': return Int32Array.from({ length: n }, () => Math.floor(u() * 2 ** 32) - 2 ** 31);
    case 'f32': return Float32Array.from({ length: n }, () => (u() - 0.5) * 1e6);
    default: return Float64Array.from({ length: n }, () => (u() - 0.5) * 1e300);
  }
}

const rt = suite('IDX round trip');
rt('every type code, several shapes, raw and gzipped', async () => {
  let seed = 1;
  for (const kind of ['u8', 'i8', 'i16', 'i32', 'f32', 'f64']) {
    for (const shape of [[7], [3, 4], [2, 3, 5], [0, 28, 28], [1, 1, 1, 2]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const data = sample(kind, n, seed++);
      const raw = writeIdx(data, shape);
      for (const [label, file] of [['raw', raw], ['gzip', await gzip(raw)]] as const) {
        const back = await readIdx(file);
        assert.is(back.type, kind, `${kind} ${label}`);
        assert.equal(back.shape, shape, `${kind} ${label}`);
        assert.is(back.data.constructor, data.constructor, `${kind} ${label}`);
        assert.equal(Array.from(back.data), Array.from(data), `${kind} ${label}`);
      }
    }
  }
});
rt("a Node Buffer inside a larger pool: only the file's own bytes", async () => {
  let seed = 700;
  for (const kind of ['u8', 'i16', 'f32', 'f64']) {
    const data = sample(kind, 12, seed++);
    const file = writeIdx(data, [3, 4]);
    const pool = Buffer.alloc(file.length + 300, 0xab);
    pool.set(file, 40);
    const view = pool.subarray(40, 40 + file.length);
    for (const back of [readIdxSync(view), await readIdx(view)]) {
      assert.equal(back.shape, [3, 4], kind);
      assert.equal(Array.from(back.data), Array.from(data), kind);
    }
  }
});
rt('MNIST header bytes: 0x00000803 images, 0x00000801 labels, big-endian dims and values', async () => {
  const img = writeIdx(new Uint8Array(2 * 28 * 28), [2, 28, 28]);
  assert.equal(Array.from(img.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 28, 0, 0, 0, 28]);
  const lab = writeIdx(Uint8Array.of(7, 2));
  assert.equal(Array.from(lab), [0, 0, 8, 1, 0, 0, 0, 2, 7, 2]);
  // A hand-written big-endian i16 / f32 file.
  const i16 = cat(Uint8Array.of(0, 0, 0x0b, 1), be32(2), Uint8Array.of(0x01, 0x02, 0xff, 0xfe));
  assert.equal(Array.from(readIdxSync(i16).data), [0x0102, -2]);
  const f32 = cat(Uint8Array.of(0, 0, 0x0d, 1), be32(1), Uint8Array.of(0x3f, 0xc0, 0, 0));
  assert.equal(Array.from((await readIdx(f32)).data), [1.5]);
});

const ds = suite('loadIdxDataset');
function mnistLike(n: number, seed: number) {
  const r = rng(seed);
  const pixels = Uint8Array.from({ length: n * 4 * 3 }, () => Math.floor(r() * 256));
  const labels = Uint8Array.from({ length: n }, (_, i) => i % 10);
  return { pixels, labels, images: writeIdx(pixels, [n, 4, 3]), labelFile: writeIdx(labels) };
}
ds('pixels scaled to [0, 1], one-hot targets, raw and gzipped, bytes or ArrayBuffer', async () => {
  const m = mnistLike(23, 5);
  for (const [images, labels] of [
    [m.images, m.labelFile],
    [await gzip(m.images), await gzip(m.labelFile)],
    [m.images.slice().buffer, (await gzip(m.labelFile)).slice().buffer],
  ] as const) {
    const d = await loadIdxDataset(images, labels, { name: 'tiny' });
    assert.is(d.n, 23);
    assert.is(d.inDim, 12);
    assert.is(d.outDim, 10);
    assert.is(d.name, 'tiny');
    for (let i = 0; i < m.pixels.length; i++) assert.is(d.x[i], Math.fround(m.pixels[i]! / 255));
    for (let i = 0; i < d.n; i++) {
      const row = Array.from(d.y.subarray(i * 10, i * 10 + 10));
      assert.is(row.reduce((a, b) => a + b, 0), 1);
      assert.is(row[m.labels[i]!], 1);
      assert.is(d.labels![i], m.labels[i]);
    }
  }
  const wide = await loadIdxDataset(m.images, m.labelFile, { classes: 12 });
  assert.is(wide.outDim, 12);
  assert.is(wide.y.length, 23 * 12);
});
ds('count mismatch, label out of range, swapped files, bad options', async () => {
  const m = mnistLike(10, 6);
  await rejectsArg(() => loadIdxDataset(m.images, writeIdx(m.labels.subarray(0, 9))), /^labels: expected 10 labels, one per image, got 9/, 'mismatch');
  await rejectsArg(() => loadIdxDataset(m.images, m.labelFile, { classes: 5 }), /^labels: expected class indices below opts\.classes = 5, got 5 at index 5/, 'range');
  await rejectsArg(() => loadIdxDataset(m.labelFile, m.images), /^images: expected an IDX array of rank ≥ 2.*labels file/, 'swapped');
  await rejectsArg(() => loadIdxDataset(m.images, m.labelFile, { classes: 0 }), /^opts\.classes: expected an integer/, 'classes 0');
  await rejectsArg(() => loadIdxDataset(m.images, writeIdx(new Int16Array(10).fill(-1))), /^labels: expected non-negative class indices, got -1 at index 0/, 'negative');
  await rejectsArg(() => loadIdxDataset(writeIdx(new Int32Array(10 * 4), [10, 4]), m.labelFile), /^images: expected u8 pixels/, 'int images');
  await rejectsArg(() => loadIdxDataset(writeIdx(new Float32Array(10 * 4).fill(NaN), [10, 4]), m.labelFile), /^images: expected finite values, got NaN at index 0 \(row 0, column 0\)/, 'nan images');
  await rejectsArg(() => loadIdxDataset(writeIdx(new Uint8Array(0), [0, 4]), writeIdx(new Uint8Array(0))), /^images: expected at least one image/, 'empty');
  await rejectsArg(() => loadIdxDataset(42 as unknown as Uint8Array, m.labelFile), /^images: expected bytes/, 'not bytes');
  // A corrupt label must not turn into a huge one-hot allocation.
  await rejectsArg(() => loadIdxDataset(m.images, writeIdx(new Int32Array(10).fill(2 ** 31 - 1))), /^labels: expected class indices below 65536 \(pass opts\.classes for more classes\), got 2147483647/, 'huge label');
  const m40 = mnistLike(40, 7);
  await rejectsArg(() => loadIdxDataset(m40.images, m40.labelFile, { classes: 1 << 24 }), /^opts\.classes: expected n × classes ≤ 536870912 one-hot targets, got 40 × 16777216/, 'huge classes');
});

const bad = suite('IDX malformed input');
bad('wrong magic, type, rank, truncation, trailing bytes, absurd dimensions', async () => {
  const good = writeIdx(new Uint8Array(12), [3, 4]);
  for (const gz of [false, true]) {
    const t = async (b: Uint8Array) => (gz ? gzip(b) : b);
    const tag = gz ? 'gzip ' : '';
    await rejectsArg(async () => readIdx(await t(Uint8Array.of(0x50, 0x4b, 3, 4, 0, 0))), /^idx: expected an IDX file \(magic 00 00 <type> <rank>.*got 50 4b 03 04/, `${tag}magic`);
    await rejectsArg(async () => readIdx(await t(Uint8Array.of(0, 0, 0x0a, 1, 0, 0, 0, 0))), /got 00 00 0a 01/, `${tag}type 0x0a`);
    await rejectsArg(async () => readIdx(await t(Uint8Array.of(0, 0, 8, 0))), /rank ≥ 1/, `${tag}rank 0`);
    await rejectsArg(async () => readIdx(await t(Uint8Array.of(0, 0))), /at least 4 bytes, got 2 \(truncated\)/, `${tag}short`);
    await rejectsArg(async () => readIdx(await t(good.subarray(0, 9))), /expected 2 dimensions \(12 header bytes\), got 9 bytes \(truncated\)/, `${tag}dims`);
    await rejectsArg(async () => readIdx(await t(good.subarray(0, 20))), /expected 12 data bytes for shape \[3, 4\] of u8, got 8 \(truncated/, `${tag}data`);
    if (!gz) await rejectsArg(async () => readIdx(cat(good, Uint8Array.of(1))), /got 13 \(trailing bytes\)/, 'trailing');
    else await rejectsArg(async () => readIdx(await t(cat(good, Uint8Array.of(1)))), /expected 24 bytes after decompression \(the size its header declares\), got more/, 'gzip trailing');
    const absurd = cat(Uint8Array.of(0, 0, 0x0e, 3), be32(0xffffffff), be32(0xffffffff), be32(0xffffffff), new Uint8Array(64));
    await rejectsArg(async () => readIdx(await t(absurd)), gz ? /at most 1073741824 bytes after decompression \(maxBytes\), got a header declaring shape \[4294967295, 4294967295, 4294967295\] of f64/ : /expected more than 2\^53 data bytes for shape \[4294967295, 4294967295, 4294967295\] of f64, got 64/, `${tag}absurd`);
  }
  await rejectsArg(() => readIdxSync(Uint8Array.of(0x1f, 0x8b, 8, 0)), /use readIdx for gzipped files/, 'sync gzip');
});
bad('gzip: corrupt or truncated streams, maxBytes, size bombs stop early', async () => {
  const file = writeIdx(new Uint8Array(100000), [100, 1000]);
  const gz = await gzip(file);
  await rejectsArg(() => readIdx(gz.subarray(0, gz.length - 12)), /^idx: expected valid gzip data, got a decompression error/, 'truncated gzip');
  const flipped = gz.slice();
  flipped[gz.length - 6]! ^= 0xff; // the CRC / length trailer
  await rejectsArg(() => readIdx(flipped), /valid gzip data/, 'bad trailer');
  await rejectsArg(() => readIdx(gz, { maxBytes: 50000 }), /at most 50000 bytes after decompression \(maxBytes\), got a header declaring shape \[100, 1000\] of u8/, 'maxBytes');
  // 16 MiB of zeros behind a header that declares 16 bytes: stopped after the first chunk.
  const bomb = await gzip(cat(writeIdx(new Uint8Array(16), [16]), new Uint8Array(16 << 20)));
  const t0 = Date.now();
  await rejectsArg(() => readIdx(bomb), /expected 24 bytes after decompression \(the size its header declares\), got more \(trailing data\)/, 'bomb');
  assert.ok(Date.now() - t0 < 2000, `bomb took ${Date.now() - t0} ms`);
});

rt.run();
ds.run();
bad.run();
