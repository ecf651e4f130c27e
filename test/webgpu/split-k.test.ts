/**
 * The split-K plan (src/webgpu/gemm-plan.ts): which gemm pieces run as k slabs side by side, and
 * how many. The arithmetic of split gemms is checked against float64 in kernels.test.ts (cases
 * 'split-K: …') and against WASM in crosscheck.test.ts; here, that the plan follows the shape
 * alone and leaves well-filled or short products whole.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { gemmSlabs, SPLIT_K } from '../../src/webgpu/gemm-plan.js';

const s = suite('split-K plan');
const BIG = 1 << 25;

s('a weight gradient (50 × 50 over 10,000 samples) runs as 39 slabs of 256 plus a remainder of 16', () => {
  assert.equal(gemmSlabs({ rows: 50, cols: 50, kk: 10000 }, 64, true, BIG), { count: 39, depth: 256, rem: 16, total: 40 });
});

s('slabs fill about targetGroups workgroups; depth is a multiple of 4 and the slabs cover k exactly', () => {
  for (const [rows, cols, kk, tile] of [[10, 50, 72000, 16], [50, 784, 8000, 64], [1, 1, 720000, 16], [3, 5, 4096, 16], [64, 64, 513, 64]] as const) {
    const p = gemmSlabs({ rows, cols, kk }, tile, true, BIG);
    assert.ok(p, `${rows}×${cols} k ${kk}: split`);
    const groups = Math.ceil(rows / tile) * Math.ceil(cols / tile);
    assert.ok(p.count >= 2 && p.count <= SPLIT_K.maxSlabs);
    assert.ok(p.count * groups <= SPLIT_K.targetGroups + groups, `${rows}×${cols}: ${p.count} slabs × ${groups} tiles`);
    assert.ok(p.depth >= SPLIT_K.minSlab - 3 && p.depth % 4 === 0, `depth ${p.depth}`);
    assert.is(p.count * p.depth + p.rem, kk);
    assert.ok(p.rem >= 0 && p.rem < 4 * p.count + p.depth, `rem ${p.rem}`);
    assert.is(p.total, p.count + (p.rem > 0 ? 1 : 0));
  }
});

s('left whole: enough tiles, short k, C rows not contiguous, or no room for two slabs', () => {
  assert.is(gemmSlabs({ rows: 10000, cols: 50, kk: 784 }, 64, true, BIG), null); // the forward pass: 157 tiles
  assert.is(gemmSlabs({ rows: 50, cols: 50, kk: 511 }, 64, true, BIG), null);
  assert.is(gemmSlabs({ rows: 50, cols: 50, kk: 10000 }, 64, false, BIG), null);
  assert.is(gemmSlabs({ rows: 50, cols: 50, kk: 10000 }, 64, true, 2 * 2500 + 10), null);
  // A smaller binding lowers the count but never the coverage of k.
  const p = gemmSlabs({ rows: 50, cols: 50, kk: 10000 }, 64, true, 10 * 2500);
  assert.ok(p && p.count === 9 && p.total * 2500 <= 10 * 2500 && p.count * p.depth + p.rem === 10000);
});

s.run();
