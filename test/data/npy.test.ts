/**
 * .npy read/write: round trips for every dtype and several shapes (0-d, empty, 1-d, 2-d, 3-d, C
 * and Fortran order), hand-written fixtures in numpy's exact header format (versions 1.0, 2.0,
 * 3.0), byte equality with what numpy.save writes, and clear errors for malformed files.
 */
import { Buffer } from 'node:buffer';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { readNpy, writeNpy, type NpyData, type NpyDType } from '../../src/data/index.js';
import { ArgumentError } from '../../src/errors.js';
import { rng } from '../helpers/random.js';

const enc = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};
const le32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);
const le16 = (v: number) => new Uint8Array(new Uint16Array([v]).buffer);
const f32bytes = (vals: number[]) => new Uint8Array(new Float32Array(vals).buffer);

/** A .npy file built by hand: header padded with spaces to a 64-byte multiple, ending in \n. */
function fixture(header: string, data: Uint8Array, version = 1): Uint8Array {
  const prefix = version === 1 ? 10 : 12;
  let h = header;
  while ((prefix + h.length + 1) % 64 !== 0) h += ' ';
  h += '\n';
  const hb = version === 3 ? new TextEncoder().encode(h) : enc(h);
  return cat(enc('\x93NUMPY'), Uint8Array.of(version, 0), version === 1 ? le16(hb.length) : le32(hb.length), hb, data);
}

function throwsArg(fn: () => unknown, re: RegExp, label: string): void {
  try {
    fn();
  } catch (e) {
    assert.instance(e, ArgumentError, `${label}: wrong error type ${(e as Error)?.name}`);
    assert.match((e as Error).message, re, `${label}: message "${(e as Error).message}"`);
    return;
  }
  assert.unreachable(`${label}: did not throw`);
}

function sample(dtype: NpyDType, n: number, seed: number): NpyData {
  const r = rng(seed);
  switch (dtype) {
    case '<f4': return Float32Array.from({ length: n }, () => r() * 200 - 100);
    case '<f8': return Float64Array.from({ length: n }, () => (r() - 0.5) * 1e300);
    case '<i4': return Int32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32) - 2 ** 31);
    case '<u4': return Uint32Array.from({ length: n }, () => Math.floor(r() * 2 ** 32));
    case '|u1': return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
    case '<i8': return Float64Array.from({ length: n }, (_, i) => [2 ** 53 - 1, -(2 ** 53 - 1), 0, -1][i] ?? Math.floor((r() - 0.5) * 2 ** 53));
  }
}

/** Fortran-order copy of a C-order array (reference, by explicit multi-index arithmetic). */
function toFortran(a: NpyData, shape: number[]): number[] {
  const out = new Array<number>(a.length);
  const nd = shape.length;
  for (let c = 0; c < a.length; c++) {
    let rem = c, f = 0, stride = 1;
    const idx = new Array<number>(nd);
    for (let j = nd - 1; j >= 0; j--) {
      idx[j] = rem % shape[j]!;
      rem = Math.floor(rem / shape[j]!);
    }
    for (let j = 0; j < nd; j++) {
      f += idx[j]! * stride;
      stride *= shape[j]!;
    }
    out[f] = a[c]!;
  }
  return out;
}

const rt = suite('npy round trip');
const DTYPES: NpyDType[] = ['<f4', '<f8', '<i4', '<u4', '|u1', '<i8'];
const SHAPES = [[], [0], [5], [2, 3], [2, 3, 4], [3, 1, 2], [4, 0, 2], [1, 1, 7]];
rt('every dtype × shape × order', () => {
  let seed = 1;
  for (const dtype of DTYPES) {
    for (const shape of SHAPES) {
      for (const fortranOrder of [false, true]) {
        const n = shape.reduce((a, b) => a * b, 1);
        const data = sample(dtype, n, seed++);
        const file = writeNpy(data, shape, { dtype, fortranOrder });
        const label = `${dtype} (${shape}) ${fortranOrder ? 'F' : 'C'}`;
        const dataStart = file.length - n * (dtype === '|u1' ? 1 : dtype.endsWith('8') ? 8 : 4);
        assert.is(dataStart % 64, 0, `${label}: data aligned to 64`);
        assert.is(file[dataStart - 1], 0x0a, `${label}: header ends in \\n`);
        const back = readNpy(file);
        assert.is(back.dtype, dtype, label);
        assert.equal(back.shape, shape, label);
        assert.is(back.data.constructor, data.constructor, label);
        assert.equal(Array.from(back.data), Array.from(data), label);
        if (fortranOrder && shape.length > 1 && n > 1 && dtype !== '<i8') {
          // The bytes on disk really are column-major.
          const Ctor = data.constructor as { new (b: ArrayBuffer): NpyData };
          const onDisk = new Ctor(file.slice(dataStart).buffer);
          assert.equal(Array.from(onDisk), toFortran(data, shape), `${label}: column-major bytes`);
        }
      }
    }
  }
});

rt("a Node Buffer inside a larger pool (readFileSync's small files): only the file's own bytes", () => {
  // Buffer's slice() shares memory where Uint8Array's copies; the reader must not see the pool.
  let seed = 900;
  for (const dtype of DTYPES) {
    const data = sample(dtype, 10, seed++);
    const file = writeNpy(data, [2, 5], { dtype });
    const pool = Buffer.alloc(file.length + 300, 0xab);
    pool.set(file, 136);
    const back = readNpy(pool.subarray(136, 136 + file.length));
    assert.is(back.data.length, 10, dtype);
    assert.equal(Array.from(back.data), Array.from(data), dtype);
    pool.fill(0, 136 + 128); // the result owns its values: overwriting the pool changes nothing
    assert.equal(Array.from(back.data), Array.from(data), `${dtype} after the pool changed`);
  }
});

rt('writeNpy output equals numpy.save bytes (growth-axis spaces, 64-byte alignment)', () => {
  // numpy ≥ 1.24: np.save(f, np.arange(1, 7, dtype='<f4').reshape(2, 3)) writes a 128-byte
  // prefix: the dict, 20 growth spaces (21 − len('2')), padding spaces and '\n'.
  const file = writeNpy(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const header = dict + ' '.repeat(20) + ' '.repeat(128 - 10 - dict.length - 20 - 1) + '\n';
  const expected = cat(enc('\x93NUMPY'), Uint8Array.of(1, 0), le16(118), enc(header), f32bytes([1, 2, 3, 4, 5, 6]));
  assert.equal(Array.from(file), Array.from(expected));
  // 1-d: "(5,)"; 0-d: "()" and no growth spaces.
  const one = String.fromCharCode(...writeNpy(new Uint8Array(5)).subarray(10, 70));
  assert.ok(one.startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (5,), }"), one);
  const zero = writeNpy(new Float64Array([3.5]), []);
  const zeroDict = "{'descr': '<f8', 'fortran_order': False, 'shape': (), }";
  assert.is(String.fromCharCode(...zero.subarray(10, 128)), zeroDict + ' '.repeat(128 - 10 - zeroDict.length - 1) + '\n');
  assert.is(zero.length, 128 + 8);
  assert.is(readNpy(zero).data[0], 3.5);
});

const fx = suite('npy hand-written fixtures');
fx('version 1.0, numpy header format, shape (2, 3) <f4', () => {
  const file = fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32bytes([1, 2, 3, 4, 5, 6]));
  assert.is(file.length, 128 + 24); // 10 + 59 + 1 > 64: the prefix takes two 64-byte blocks
  const a = readNpy(file);
  assert.is(a.dtype, '<f4');
  assert.equal(a.shape, [2, 3]);
  assert.instance(a.data, Float32Array);
  assert.equal(Array.from(a.data), [1, 2, 3, 4, 5, 6]);
});
fx('fortran_order True is transposed to C order', () => {
  // Column-major bytes of [[1, 2, 3], [4, 5, 6]].
  const file = fixture("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32bytes([1, 4, 2, 5, 3, 6]));
  assert.equal(Array.from(readNpy(file).data), [1, 2, 3, 4, 5, 6]);
  // 3-d: shape (2, 2, 2), F order value at (i, j, k) is at i + 2j + 4k.
  const c = [0, 1, 2, 3, 4, 5, 6, 7]; // C: (i, j, k) at 4i + 2j + k
  const f = new Array<number>(8);
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) f[i + 2 * j + 4 * k] = c[4 * i + 2 * j + k]!;
  const file3 = fixture("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", f32bytes(f));
  assert.equal(Array.from(readNpy(file3).data), c);
});
fx('versions 2.0 and 3.0, Python 2 longs, double quotes, other key order', () => {
  const d = f32bytes([7, 8]);
  assert.equal(Array.from(readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", d, 2)).data), [7, 8]);
  assert.equal(Array.from(readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", d, 3)).data), [7, 8]);
  assert.equal(readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (1L, 2L), }", d)).shape, [1, 2]);
  assert.equal(readNpy(fixture('{"shape": (2,), "fortran_order": False, "descr": "<f4"}', d)).shape, [2]);
});
fx('int64 to numbers; |u1 and <u1', () => {
  const i8 = new Uint8Array(16);
  const v = new DataView(i8.buffer);
  v.setBigInt64(0, -5n, true);
  v.setBigInt64(8, 2n ** 53n - 1n, true);
  const a = readNpy(fixture("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", i8));
  assert.instance(a.data, Float64Array);
  assert.equal(Array.from(a.data), [-5, 2 ** 53 - 1]);
  assert.is(readNpy(fixture("{'descr': '<u1', 'fortran_order': False, 'shape': (3,), }", Uint8Array.of(1, 2, 255))).dtype, '|u1');
});

const bad = suite('npy malformed input');
const ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
const data24 = f32bytes([1, 2, 3, 4, 5, 6]);
bad('wrong magic, version, truncation, trailing bytes', () => {
  throwsArg(() => readNpy(enc('PK\x03\x04 not npy')), /npy: expected a \.npy file starting with the magic string .*got 50 4b 03 04/, 'magic');
  throwsArg(() => readNpy(new Uint8Array(0)), /got no bytes/, 'empty');
  throwsArg(() => readNpy(enc('\x93NUMPY\x01')), /at least 10 bytes, got 7/, 'short prefix');
  throwsArg(() => readNpy(enc('\x93NUMPY\x04\x00\x00\x00')), /version 1\.0, 2\.0 or 3\.0, got 4\.0/, 'version');
  const file = fixture(ok, data24);
  throwsArg(() => readNpy(file.subarray(0, 40)), /expected a 118-byte header \(as its length field says\), got 30 bytes after the length field \(truncated\)/, 'truncated header');
  throwsArg(() => readNpy(file.subarray(0, file.length - 1)), /expected 24 data bytes for shape \(2, 3\) of <f4, got 23 \(truncated, or a corrupt shape\)/, 'truncated data');
  throwsArg(() => readNpy(cat(file, Uint8Array.of(0))), /got 25 \(trailing bytes\)/, 'trailing');
  throwsArg(() => readNpy(file.subarray(0, 70), { name: 'weights.npy' }), /^weights\.npy: expected a 118-byte header/, 'custom name');
});
bad('absurd shape is refused before anything is allocated', () => {
  throwsArg(() => readNpy(fixture("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000, 1000000000, 1000000000), }", data24)),
    /expected more than 2\^53 data bytes for shape \(1000000000, 1000000000, 1000000000\) of <f8, got 24 \(truncated, or a corrupt shape\)/, 'huge');
  throwsArg(() => readNpy(fixture("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }", data24)), /'shape' a tuple of non-negative integers/, 'beyond 2^53');
  throwsArg(() => readNpy(fixture("{'descr': '<f8', 'fortran_order': False, 'shape': (-3,), }", data24)), /non-negative/, 'negative');
  // A zero dimension makes any other dimension harmless.
  assert.equal(readNpy(fixture("{'descr': '<f8', 'fortran_order': False, 'shape': (1000000000000, 0), }", new Uint8Array(0))).shape, [1e12, 0]);
});
bad('dtype and header problems', () => {
  throwsArg(() => readNpy(fixture("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data24)), /got '>f4' \(big-endian/, 'big-endian');
  throwsArg(() => readNpy(fixture("{'descr': '<c8', 'fortran_order': False, 'shape': (3,), }", data24)), /a dtype of <f4, <f8, <i4, <u4, \|u1 or <i8, got '<c8'/, 'complex');
  throwsArg(() => readNpy(fixture("{'descr': 'constructor', 'fortran_order': False, 'shape': (3,), }", data24)), /got 'constructor'/, 'prototype key');
  throwsArg(() => readNpy(fixture("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (6,), }", data24)), /structured dtype/, 'structured');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'shape': (2, 3), }", data24)), /exactly the keys/, 'missing key');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'x': 1, }", data24)), /exactly the keys/, 'extra key');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': 0, 'shape': (2, 3), }", data24)), /'fortran_order' True or False, got 0/, 'fortran flag');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': [2, 3], }", data24)), /'shape' a tuple/, 'list shape');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), ", data24)), /valid header/, 'unclosed dict');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), } junk", data24)), /nothing but spaces after the header dict\), got "j" at header character 60/, 'junk');
  throwsArg(() => readNpy(fixture("{'descr': '<f4', 'fortran_order': False, 'shape': " + '('.repeat(50) + ')'.repeat(50) + ', }', data24)), /nesting/, 'deep nesting');
  const i8 = new Uint8Array(8);
  new DataView(i8.buffer).setBigInt64(0, 2n ** 60n, true);
  throwsArg(() => readNpy(fixture("{'descr': '<i8', 'fortran_order': False, 'shape': (1,), }", i8)), /±\(2\^53 − 1\).*got 1152921504606846976 at index 0/, 'int64 range');
});
bad('writeNpy argument errors', () => {
  throwsArg(() => writeNpy(new Float32Array(5), [2, 3]), /^data: expected 6 values for shape \(2, 3\), got Float32Array\(5\)/, 'count');
  throwsArg(() => writeNpy([1, 2] as unknown as Float32Array), /^data: expected a Float32Array/, 'plain array');
  throwsArg(() => writeNpy(new Float32Array(2), [2, -1 as number]), /^shape\[1\]: expected a non-negative integer/, 'negative dim');
  throwsArg(() => writeNpy(new Float32Array(2), undefined, { dtype: '<i8' }), /^opts\.dtype: /, 'i8 from f32');
  throwsArg(() => writeNpy(new Float64Array([0.5]), undefined, { dtype: '<i8' }), /^data: expected safe integers/, 'i8 fraction');
});

rt.run();
fx.run();
bad.run();
