/**
 * Fuzzing the file readers: FUZZ_CASES random corruptions of valid .npy and IDX files (raw and
 * gzipped) — truncations, flipped and overwritten bytes, inserted and deleted bytes, rewritten
 * header fields (shape digits, dtype, version, length fields, dimensions) — and of a --config
 * file (its bytes, and its values: wrong types, absurd numbers, unknown keys). Every outcome must
 * be either a valid parse (an array whose length matches its shape; a checked configuration) or a
 * thrown DropoutSmeError subclass: never another exception type, and never slow.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gzip, readIdx, readNpy, writeIdx, writeNpy } from '../../src/data/index.js';
import { DropoutSmeError } from '../../src/errors.js';
import { randInt, rng } from '../helpers/random.js';
import { parseConfigText, reproduceConfig } from '../../src/experiments/index.js';
import { TINY } from '../experiments/_tiny.js';

/** Corruptions per base file (issue 8 asks for ≥ 1000 in total: 4 bases × 300 = 1200). */
export const FUZZ_CASES = 300;
/** Slowest single case allowed, in ms (a valid parse of these small files takes well under 1 ms). */
const MAX_CASE_MS = 500;

type R = () => number;

function mutate(src: Uint8Array, r: R, headerEnd: number): Uint8Array {
  const b = src.slice();
  const kind = randInt(r, 0, 6);
  const pos = (lim = b.length) => randInt(r, 0, Math.max(0, lim - 1));
  switch (kind) {
    case 0: return b.subarray(0, pos()); // truncation
    case 1: { // flip 1–4 bits anywhere
      for (let k = randInt(r, 1, 4); k > 0; k--) b[pos()]! ^= 1 << randInt(r, 0, 7);
      return b;
    }
    case 2: { // overwrite header bytes with random values
      for (let k = randInt(r, 1, 3); k > 0; k--) b[pos(headerEnd)] = randInt(r, 0, 255);
      return b;
    }
    case 3: { // overwrite header bytes with digits, quotes, brackets, commas (npy syntax)
      const alphabet = "0123456789(),' :{}[]TrueFalsL<>|fiu";
      for (let k = randInt(r, 1, 3); k > 0; k--) b[pos(headerEnd)] = alphabet.charCodeAt(randInt(r, 0, alphabet.length - 1));
      return b;
    }
    case 4: { // insert random bytes
      const at = pos(), len = randInt(r, 1, 8);
      const out = new Uint8Array(b.length + len);
      out.set(b.subarray(0, at));
      for (let i = 0; i < len; i++) out[at + i] = randInt(r, 0, 255);
      out.set(b.subarray(at), at + len);
      return out;
    }
    case 5: { // delete a range
      const at = pos(), len = randInt(r, 1, 8);
      const tail = b.subarray(Math.min(b.length, at + len));
      const out = new Uint8Array(at + tail.length);
      out.set(b.subarray(0, at));
      out.set(tail, at);
      return out;
    }
    default: { // large values into a length / dimension field (bytes 4–16)
      for (let k = 4 + randInt(r, 0, 3) * 4, j = 0; j < 4 && k + j < b.length; j++) b[k + j] = r() < 0.5 ? 0xff : randInt(r, 0, 255);
      return b;
    }
  }
}

/** Rewrites one npy header field textually (shape digits, dtype, order), keeping the length. */
function mutateNpyHeader(src: Uint8Array, r: R): Uint8Array {
  const b = src.slice();
  const text = String.fromCharCode(...b.subarray(0, 128));
  const choices: [RegExp, string[]][] = [
    [/\(3, 4\)/, ['(9, 9)', '(0, 4)', '(3,)  ', '(12,) ', '(4, 3)', '(99999', '(3, -4', '(3L, 4', '()    ', '[3, 4]', '(3, 4,', '((3,4)']],
    [/'<f4'/, ["'>f4'", "'<f8'", "'|u1'", "'<i8'", "'<c8'", "'<U4'", "'|O8'", "'<f2'", "'<f4 ", '[<f4]']],
    [/False/, ['True ', 'None ', '0    ', 'Fals ', "'F'  "]],
  ];
  const [re, opts] = choices[randInt(r, 0, choices.length - 1)]!;
  const m = re.exec(text);
  if (!m) return mutate(b, r, 128);
  const rep = opts[randInt(r, 0, opts.length - 1)]!;
  for (let i = 0; i < rep.length; i++) b[m.index + i] = rep.charCodeAt(i);
  return b;
}

async function outcome(label: string, fn: () => unknown, check: (v: unknown) => void): Promise<'ok' | 'error'> {
  const t0 = Date.now();
  let result: 'ok' | 'error';
  try {
    check(await fn());
    result = 'ok';
  } catch (e) {
    if (!(e instanceof DropoutSmeError)) {
      assert.unreachable(`${label}: threw ${(e as Error)?.constructor?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`);
    }
    const msg = (e as Error).message;
    assert.ok(msg.length > 0 && msg.length < 600, `${label}: message length ${msg.length}`);
    result = 'error';
  }
  const ms = Date.now() - t0;
  assert.ok(ms < MAX_CASE_MS, `${label}: took ${ms} ms`);
  return result;
}

const checkArray = (v: unknown) => {
  const a = v as { data: ArrayLike<number>; shape: number[] };
  assert.is(a.data.length, a.shape.reduce((p, d) => p * d, 1), 'length matches shape');
};

const s = suite('fuzz: corrupted .npy and IDX files');

s(`npy: ${FUZZ_CASES} corruptions each of a C-order <f4 and a Fortran-order <i8 file`, async () => {
  const r = rng(20240601);
  const bases = [
    writeNpy(Float32Array.from({ length: 12 }, (_, i) => i - 3.5), [3, 4]),
    writeNpy(Float64Array.from({ length: 24 }, (_, i) => i * 1e6 - 7), [2, 3, 4], { dtype: '<i8', fortranOrder: true }),
  ];
  const tally = { ok: 0, error: 0 };
  for (const [bi, base] of bases.entries()) {
    for (let c = 0; c < FUZZ_CASES; c++) {
      const file = r() < 0.3 ? mutateNpyHeader(base, r) : mutate(base, r, 128);
      tally[await outcome(`npy base ${bi} case ${c}`, () => readNpy(file), checkArray)]++;
    }
  }
  assert.ok(tally.error > 0 && tally.ok > 0, `both outcomes occur (${JSON.stringify(tally)})`);
});

s(`IDX: ${FUZZ_CASES} corruptions each of a raw and a gzipped file`, async () => {
  const r = rng(777);
  const raw = writeIdx(Uint8Array.from({ length: 4 * 5 * 6 }, (_, i) => (i * 37) & 255), [4, 5, 6]);
  const gz = await gzip(raw);
  const tally = { ok: 0, error: 0 };
  for (const [bi, base] of [raw, gz].entries()) {
    for (let c = 0; c < FUZZ_CASES; c++) {
      // For the gzipped base, corrupt either the compressed bytes or the IDX bytes inside.
      const file = bi === 1 && r() < 0.5 ? await gzip(mutate(raw, r, 16)) : mutate(base, r, bi === 0 ? 16 : 24);
      tally[await outcome(`idx base ${bi} case ${c}`, () => readIdx(file, { maxBytes: 1 << 20 }), checkArray)]++;
    }
  }
  assert.ok(tally.error > 0 && tally.ok > 0, `both outcomes occur (${JSON.stringify(tally)})`);
});

/** Replaces one value somewhere in a JSON tree with an absurd one, or adds an unknown key. */
function mutateConfig(v: unknown, r: R): unknown {
  const absurd = [-1, 0, 0.5, 1.5, 1e308, -1e308, 2 ** 53, 'x', null, true, [], {}, [0], { a: 1 }, 'NaN'];
  if (Array.isArray(v)) {
    if (v.length === 0 || r() < 0.2) return absurd[randInt(r, 0, absurd.length - 1)];
    const i = randInt(r, 0, v.length - 1);
    return v.map((x, j) => (j === i ? mutateConfig(x, r) : x));
  }
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    if (r() < 0.1) return { ...v, [`unknown${randInt(r, 0, 9)}`]: 1 };
    const k = keys[randInt(r, 0, keys.length - 1)]!;
    return { ...v, [k]: r() < 0.2 ? absurd[randInt(r, 0, absurd.length - 1)] : mutateConfig((v as Record<string, unknown>)[k], r) };
  }
  return absurd[randInt(r, 0, absurd.length - 1)];
}

s(`config: ${FUZZ_CASES} byte corruptions and ${FUZZ_CASES} value corruptions of a --config file`, async () => {
  const r = rng(4242);
  const text = JSON.stringify(TINY), bytes = new TextEncoder().encode(text);
  const tally = { ok: 0, error: 0 };
  const checkConfig = (c: unknown) => assert.ok(c && typeof c === 'object' && 'sweep' in (c as object), 'a configuration');
  for (let c = 0; c < FUZZ_CASES; c++) {
    const file = new TextDecoder().decode(mutate(bytes, r, bytes.length));
    tally[await outcome(`config bytes case ${c}`, () => reproduceConfig({ preset: 'quick', config: parseConfigText(file) }), checkConfig)]++;
    const tree = mutateConfig(TINY, r);
    tally[await outcome(`config values case ${c}`, () => reproduceConfig({ preset: 'quick', config: parseConfigText(JSON.stringify(tree)) }), checkConfig)]++;
  }
  assert.ok(tally.error > 0 && tally.ok > 0, `both outcomes occur (${JSON.stringify(tally)})`);
});

s.run();
