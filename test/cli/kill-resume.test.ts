/**
 * Fault injection (issue 19): the CLI is killed with SIGKILL at 20 seeded random points of `train`
 * and of `reproduce`, and --resume must always end byte-identical to an uninterrupted run or refuse
 * in one clear line. A point is the k-th file-system change the process makes (an open for
 * writing, a write, an fsync, a rename, a link, an unlink, a mkdir or rmdir): a preloaded module
 * wraps node:fs and kills the process just before that change, or, for a write, after writing
 * half of it (a torn write). Between two such changes the files do not move, so these points
 * reach every state a kill at any moment can leave. Kills chain: each killed run is resumed with
 * the next kill point until a run completes (then compared) or refuses (then started afresh).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runAsync, sameFiles, tempDir, tinyData, type Ran } from './_cli.js';

const dir = tempDir('kill');
const { data, labels } = tinyData(dir);
const inject = join(dir, 'inject.mjs');
writeFileSync(inject, `
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isMainThread } from 'node:worker_threads';
if (isMainThread) {
  const at = Number(process.env.DSME_KILL_AT || 0), torn = process.env.DSME_TORN === '1', countFile = process.env.DSME_COUNT_FILE;
  let n = 0;
  const original = {};
  for (const name of ['openSync', 'writeSync', 'fsyncSync', 'renameSync', 'linkSync', 'unlinkSync', 'mkdirSync', 'rmdirSync', 'writeFileSync']) {
    const f = fs[name];
    original[name] = f;
    fs[name] = function (...args) {
      if (name !== 'openSync' || /[wax+]/.test(String(args[1] ?? 'r'))) {
        if (++n === at) {
          if (torn && name === 'writeSync' && typeof args[1] !== 'string') f(args[0], args[1], args[2] ?? 0, Math.floor((args[3] ?? args[1].length) / 2));
          process.kill(process.pid, 'SIGKILL');
        }
      }
      return f.apply(this, args);
    };
  }
  syncBuiltinESMExports();
  if (countFile) process.on('exit', () => original.writeFileSync(countFile, String(n)));
}
`);

/** A seeded generator (LCG), so the kill points are the same on every run of the test. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const runWith = (args: string[], env: Record<string, string> = {}): Promise<Ran> => runAsync(args, { node: ['--import', inject], env }).done;

interface Tally { kills: number; torn: number; completions: number; refusals: number; runs: number }

/**
 * `points` kill points of `args` (its output folder `out`), drawn uniformly over the file-system
 * changes of an uninterrupted run, chained as described above; every completed run is compared
 * with the uninterrupted one (`ref`).
 */
async function chain(name: string, args: (out: string) => string[], seed: number, points: number): Promise<Tally> {
  const ref = join(dir, `${name}-ref`), out = join(dir, `${name}-faults`), countFile = join(dir, `${name}-count`);
  const first = await runWith(args(ref), { DSME_COUNT_FILE: countFile });
  assert.is(first.status, 0, first.stderr);
  const changes = Number(readFileSync(countFile, 'utf8'));
  assert.ok(changes > 20, `${name}: ${changes} file-system changes`);
  const random = rng(seed), tally: Tally = { kills: 0, torn: 0, completions: 0, refusals: 0, runs: 0 };
  let fresh = true;
  const finish = (r: Ran, what: string) => {
    if (r.status === 0) {
      sameFiles(ref, out, `${name}, ${what}`);
      tally.completions++;
    } else {
      // Only a run killed before its first checkpoint leaves nothing to resume: said in one line.
      assert.is(r.status, 2, `${name}, ${what}: exit status (stderr: ${r.stderr})`);
      assert.ok(!fresh, `${name}, ${what}: a fresh run must not refuse`);
      assert.match(r.stderr, /^dropout-sme: --resume: expected a checkpoint in .*, got .*none found/m, `${name}, ${what}`);
      assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
      tally.refusals++;
    }
    fresh = true;
  };
  while (tally.kills < points) {
    const at = 1 + Math.floor(random() * changes), torn = random() < 0.3;
    const what = `${fresh ? 'fresh' : 'resumed'} run killed at change ${at}${torn ? ' (torn write)' : ''}`;
    const r = await runWith([...args(out), ...(fresh ? [] : ['--resume'])], { DSME_KILL_AT: String(at), DSME_TORN: torn ? '1' : '0' });
    tally.runs++;
    if (r.signal === 'SIGKILL') {
      tally.kills++;
      if (torn) tally.torn++;
      fresh = false;
    } else {
      finish(r, `${what} (ran to its end first)`);
    }
  }
  if (!fresh) {
    const last = await runWith([...args(out), '--resume']);
    tally.runs++;
    finish(last, 'the last resume');
  }
  return tally;
}

test('train and reproduce, each killed at 20 random points: --resume always ends byte-identical or refuses clearly', async () => {
  const micro = join(dir, 'micro.json');
  writeFileSync(micro, JSON.stringify({ sme: { data: { source: 'sine', n: 8 }, net: { hidden: [4] }, steps: 2, paths: 2, recordEvery: 1 } }));
  const reproduce = (out: string) => ['reproduce', '--quick', '--config', micro, '--sections', 'sme', '--backend', 'wasm', '--seed', '5', '--out', out];
  // reproduce's 20 points in two chains of 10 (its runs cost more), all three chains at once.
  const [train, reproduceA, reproduceB] = await Promise.all([
    chain('train', (out) => ['train', '--data', data, '--labels', labels, '--hidden', '3', '--steps', '12', '--save-every', '2', '--backend', 'wasm', '--seed', '3', '--out', out], 0x19a, 20),
    chain('reproduce-a', reproduce, 0x19b, 10),
    chain('reproduce-b', reproduce, 0x19c, 10),
  ]);
  console.log(`  train: ${JSON.stringify(train)}\n  reproduce: ${JSON.stringify(reproduceA)}, ${JSON.stringify(reproduceB)}`);
  assert.ok(train.completions >= 1 && reproduceA.completions + reproduceB.completions >= 1, 'some chains ran to completion and were compared');
});

test.run();
