/**
 * The stream registry (src/random/streams.ts): no two streams, nor a stream and the dropout masks,
 * address the same counter, and at equal coordinates they never give the same word.
 *
 * The proof is in the construction (the module's header): masks take layer < 2³¹, stream tags
 * 2³¹ + id·2²⁴ + sub, one-to-one in (id, sub); fold(h, x) is a bijection of x and of h, so a
 * different layer slot changes the state and the later folds keep it different. These checks test
 * that construction where an off-by-one or an overflow would break it: every pair of streams, the
 * first and last sub-stream, the largest step and index (2³² − 1), the largest mask layer.
 * Every check is exact (integer words): no tolerance.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { counterHash, counterHead, counterTail } from '../../src/random/counter-hash.js';
import { MASK_LAYERS, STREAMS, SUBSTREAMS, streamHead, streamTag, streamTail, streamWord, type StreamName } from '../../src/random/streams.js';
import { ArgumentError } from '../../src/errors.js';

const U32_MAX = 0xffffffff;
const names = Object.keys(STREAMS) as StreamName[];
/** Coordinates at the boundaries of the u32 range, the largest step and index included. */
const edges = [0, 1, MASK_LAYERS - 1, MASK_LAYERS, U32_MAX];

const layout = suite('stream tags');

layout('ids are distinct and fit their 7 bits', () => {
  const ids = names.map((n) => STREAMS[n]);
  assert.is(new Set(ids).size, ids.length);
  for (const id of ids) assert.ok(Number.isInteger(id) && id >= 0 && id < MASK_LAYERS / SUBSTREAMS, `id ${id}`);
});

layout('every tag lies above every mask layer and within u32', () => {
  for (const n of names) {
    for (const sub of [0, SUBSTREAMS - 1]) {
      const tag = streamTag(n, sub);
      assert.ok(Number.isInteger(tag) && tag >= MASK_LAYERS && tag <= U32_MAX, `${n}/${sub}: ${tag}`);
    }
  }
});

layout('tag ranges of every pair of streams are disjoint', () => {
  for (const a of names) {
    for (const b of names) {
      if (a === b) continue;
      const [a0, a1] = [streamTag(a), streamTag(a, SUBSTREAMS - 1)], [b0, b1] = [streamTag(b), streamTag(b, SUBSTREAMS - 1)];
      assert.ok(a1 < b0 || b1 < a0, `${a} [${a0}, ${a1}] and ${b} [${b0}, ${b1}] overlap`);
      assert.is(a1 - a0, SUBSTREAMS - 1, `${a}'s sub-streams are contiguous`);
    }
  }
});

layout('a sub-stream index outside [0, 2²⁴) is an ArgumentError naming it', () => {
  for (const sub of [-1, SUBSTREAMS, 0.5, Number.NaN]) {
    assert.throws(() => streamTag('init', sub), (e: unknown) => e instanceof ArgumentError && /^sub: expected an integer in \[0, 16777215\]/.test(e.message));
  }
});

const words = suite('stream words');

words('a stream word is the counter hash with the tag in the layer slot', () => {
  const tag = streamTag('batchOrder', 3);
  assert.is(streamWord(7, tag, 11, 13, 17), counterHash(7, 11, tag, 13, 17));
});

words('the two-part hash (head once, tail per word) gives counterHash\'s words, at the boundaries', () => {
  for (const seed of [0, U32_MAX]) for (const step of edges) for (const layer of [0, MASK_LAYERS - 1, streamTag('isotropic'), U32_MAX]) {
    const head = counterHead(seed, step, layer);
    for (const unit of edges) for (const sample of [0, 1, 2, U32_MAX]) {
      assert.is(counterTail(head, unit, sample), counterHash(seed, step, layer, unit, sample));
      assert.is(streamTail(streamHead(seed, layer, step), unit, sample), streamWord(seed, layer, step, unit, sample));
    }
  }
});

words('at equal coordinates, every pair of streams and the masks give different words', () => {
  // Each stream's first and last sub-stream, and the smallest and largest mask layer.
  const sources: [string, number][] = [['mask layer 0', 0], ['mask layer 2³¹ − 1', MASK_LAYERS - 1]];
  for (const n of names) sources.push([n, streamTag(n)], [`${n}/last`, streamTag(n, SUBSTREAMS - 1)]);
  for (const seed of [0, U32_MAX]) {
    for (const a of edges) {
      for (const b of edges) {
        for (const c of [0, 2, U32_MAX]) {
          const seen = new Map<number, string>();
          for (const [name, layer] of sources) {
            const w = counterHash(seed, a, layer, b, c);
            const other = seen.get(w);
            assert.is(other, undefined, `${name} and ${other} share word ${w} at (${seed}, ${a}, ·, ${b}, ${c})`);
            seen.set(w, name);
          }
        }
      }
    }
  }
});

words('the old layout\'s collision is gone: batch order no longer reads the mask of step 763,844', () => {
  // Before the registry, batch order word (seed, epoch, i) was counterHash(seed, 0xba7c4, epoch, i, 0),
  // the mask word of dropout step 0xba7c4 = 763,844 at layer `epoch`, unit i.
  const order = streamTag('batchOrder');
  for (const [epoch, i] of [[0, 0], [1, 5], [3, 1000]] as const) {
    assert.is.not(streamWord(5, order, epoch, i, 0), counterHash(5, 0xba7c4, epoch, i, 0));
  }
});

layout.run();
words.run();
