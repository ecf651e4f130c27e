/**
 * The output folder is owned by a run (issue 19, items 2, 3, 5 and 7): a marker lists what the run
 * wrote; a non-empty folder of yours is refused unless --force, and nothing of yours is ever
 * deleted; a rerun replaces the files of the run before it (no stale arrays); a second run into
 * the same folder at the same time is refused, and a dead run's lock is taken over; a bad --out
 * fails at once with one line naming the path, before anything is computed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { failsWith, run, runAsync, tempDir, tinyData } from './_cli.js';

const dir = tempDir('out');
const { data, labels } = tinyData(dir);
const train = (out: string, ...more: string[]) => ['train', '--data', data, '--labels', labels, '--hidden', '3', '--steps', '4', '--save-every', '2', '--backend', 'wasm', '--out', out, ...more];
/** The smallest experiment run: the SME curves section on the sine task. */
const micro = join(dir, 'micro.json');
writeFileSync(micro, JSON.stringify({ sme: { data: { source: 'sine', n: 8 }, net: { hidden: [4] }, steps: 2, paths: 2, recordEvery: 1 } }));
const sme = (out: string, seed: string, config = micro) => ['reproduce', '--quick', '--config', config, '--sections', 'sme', '--backend', 'wasm', '--seed', seed, '--out', out];
const marker = (out: string) => JSON.parse(readFileSync(join(out, '.dropout-sme-run.json'), 'utf8')) as { command: string; files: string[] };

test('a new folder: the marker lists every file written, and no lock stays behind', () => {
  const out = join(dir, 'new', 'deeper');
  const r = run(train(out));
  assert.is(r.status, 0, r.stderr);
  const m = marker(out);
  assert.is(m.command, 'train');
  for (const f of ['params.npy', 'losses.npy', 'train.json', 'train-state.json']) {
    assert.ok(existsSync(join(out, f)), f);
    assert.ok(m.files.includes(f), `${f} is listed`);
  }
  assert.not.ok(existsSync(join(out, '.dropout-sme-run.lock')), 'the lock is released');
});

test('a non-empty folder that is not a run\'s is refused; with --force it is written into and nothing of yours is deleted', () => {
  const out = join(dir, 'yours');
  mkdirSync(join(out, 'checkpoint'), { recursive: true });
  writeFileSync(join(out, 'notes.txt'), 'mine');
  writeFileSync(join(out, 'checkpoint', 'notes.txt'), 'mine too');
  writeFileSync(join(out, 'config.json'), '{"mine": true}');
  failsWith(run(train(out)), 2, /--out: expected a new or empty folder.*--force.*got .*yours \(holds 3 entries/, 'refused');
  assert.equal(readdirSync(out).sort(), ['checkpoint', 'config.json', 'notes.txt'], 'untouched');
  const forced = run(train(out, '--force'));
  assert.is(forced.status, 0, forced.stderr);
  assert.is(readFileSync(join(out, 'notes.txt'), 'utf8'), 'mine');
  assert.is(readFileSync(join(out, 'checkpoint', 'notes.txt'), 'utf8'), 'mine too');
  assert.is(readFileSync(join(out, 'config.json'), 'utf8'), '{"mine": true}', 'train writes no config.json, so yours stays');
  // A rerun (the folder is now the run's) replaces the run's own files and still keeps yours.
  assert.is(run(train(out)).status, 0);
  assert.ok(existsSync(join(out, 'notes.txt')) && existsSync(join(out, 'checkpoint', 'notes.txt')));
});

test('a rerun into its folder deletes the arrays of the run it replaces, keeping a file you added', () => {
  const out = join(dir, 'rerun');
  assert.is(run(sme(out, '8')).status, 0);
  assert.ok(existsSync(join(out, 'npy', 'sme.methods.sme2.mean.npy')));
  writeFileSync(join(out, 'npy', 'mine.npy'), 'mine');
  const fewer = join(dir, 'fewer.json');
  writeFileSync(fewer, JSON.stringify({ sme: { ...JSON.parse(readFileSync(micro, 'utf8')).sme, methods: ['gd'] } }));
  const r = run(sme(out, '7', fewer));
  assert.is(r.status, 0, r.stderr);
  assert.equal(readdirSync(join(out, 'npy')).sort(), ['mine.npy', 'sme.methods.gd.hi.npy', 'sme.methods.gd.lo.npy', 'sme.methods.gd.mean.npy', 'sme.times.npy']);
  assert.is(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).seed, 7);
  assert.is(readdirSync(join(out, 'checkpoint')).length, 1, 'only the new run\'s unit');
});

test('a second run into a folder in use stops with a clear error; a dead run\'s lock is taken over', async () => {
  const out = join(dir, 'busy');
  // A long run (10^6 steps of a tiny net), holding the folder.
  const first = runAsync(['train', '--data', data, '--labels', labels, '--hidden', '3', '--steps', '1000000', '--save-every', '1000000', '--backend', 'wasm', '--out', out]);
  const lock = join(out, '.dropout-sme-run.lock');
  for (let i = 0; i < 600 && !existsSync(lock); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(existsSync(lock), 'the first run holds the lock');
  const second = run(train(out));
  failsWith(second, 2, /--out: expected a folder no other run is writing to, got .*busy \(in use by dropout-sme train, pid \d+/, 'second run');
  first.child.kill('SIGKILL');
  assert.is((await first.done).signal, 'SIGKILL');
  assert.ok(existsSync(lock), 'SIGKILL leaves the lock');
  const third = run(train(out));
  assert.is(third.status, 0, third.stderr);
  assert.match(third.stderr, /taking over the lock in .*busy left by pid \d+, which is no longer running/);
  assert.not.ok(existsSync(lock));
});

test('a bad --out fails at once with one line naming the path, before computing (exit 2, no stack)', () => {
  writeFileSync(join(dir, 'a-file'), '');
  symlinkSync(join(dir, 'nowhere'), join(dir, 'dangling'));
  const cases: [string, RegExp][] = [
    ['', /--out: expected a folder path, got an empty string/],
    ['/proc/x', /--out: .*cannot create \/proc\/x: ENOENT although \/proc exists/],
    ['/proc/x/y/z', /--out: .*cannot create \/proc\/x: ENOENT/],
    [join(dir, 'a-file'), /--out: .*a-file exists and is not a folder/],
    [join(dir, 'a-file', 'sub'), /--out: .*a-file exists and is not a folder/],
    ['/sys/x', /--out: .*cannot create \/sys\/x: E(PERM|ACCES|ROFS)/],
    [join(dir, 'dangling'), /--out: .*dangling is a symbolic link to a missing target/],
  ];
  const hessian = (out: string) => ['hessian', '--data', data, '--labels', labels, '--hidden', '3', '--k', '2', '--backend', 'wasm', '--out', out];
  for (const [out, message] of cases) {
    // hessian and align used to compute everything first and fail only when writing.
    const align = ['align', '--quick', '--config', micro, '--backend', 'wasm', '--out', out];
    for (const command of out === '/proc/x' ? [train(out), hessian(out), align] : out.endsWith('a-file') ? [train(out), hessian(out)] : [train(out)]) {
      const r = run(command, { timeout: 20_000 });
      failsWith(r, 2, message, `${command[0]} --out ${JSON.stringify(out)}`);
      assert.not.match(r.stderr, /(hessian|train|align) \[/, 'nothing computed');
    }
  }
});

test.run();
