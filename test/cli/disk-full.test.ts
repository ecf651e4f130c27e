/**
 * A full disk and a read-only file system (issue 19, items 1 and 7), on small tmpfs mounts: train
 * stops with one line naming the file it could not write (exit 2), its last checkpoint stays
 * whole, and after the disk is enlarged --resume ends byte-identical to an uninterrupted run. A
 * read-only folder is reported as such (EROFS), before anything is computed. Mounting needs root
 * and a kernel that allows it: elsewhere the test says why it is skipped.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { failsWith, run, sameFiles, tempDir, tinyData } from './_cli.js';

const dir = tempDir('disk');
const { data, labels } = tinyData(dir);
const mnt = join(dir, 'mnt');
mkdirSync(mnt);
const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });
const canMount = process.getuid?.() === 0 && mount('-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mnt).status === 0;

// 24 KiB: tmpfs counts whole 4 KiB pages, so six files fit: the marker, the lock, train-state.json
// and one checkpoint slot (θ and losses) fit, the second slot does not.
const args = (out: string) => ['train', '--data', data, '--labels', labels, '--hidden', '40', '--steps', '40', '--save-every', '10', '--backend', 'wasm', '--out', out];

test('disk full while checkpointing: one line naming the file, exit 2; after enlarging it, --resume ends byte-identical', () => {
  if (!canMount) {
    console.log(`  SKIPPED (disk full): needs root and 'mount -t tmpfs' (uid ${process.getuid?.()}; mount ${process.getuid?.() === 0 ? 'refused' : 'needs root'})`);
    return;
  }
  assert.is(mount('-o', 'remount,size=24k', mnt).status, 0);
  const out = join(mnt, 't');
  const full = run(args(out));
  failsWith(full, 2, /cannot write .*mnt\/t\/\S+: no space left on the device \(ENOSPC\)/, 'disk full');
  const state = JSON.parse(readFileSync(join(out, 'train-state.json'), 'utf8')) as { step: number };
  assert.ok(state.step > 0 && state.step < 40, `the last whole checkpoint: step ${state.step}`);
  assert.not.ok(existsSync(join(out, '.dropout-sme-run.lock')), 'the folder is released');
  assert.is(mount('-o', 'remount,size=4m', mnt).status, 0);
  const resumed = run([...args(out), '--resume']);
  assert.is(resumed.status, 0, resumed.stderr);
  const ref = join(dir, 'ref');
  assert.is(run(args(ref)).status, 0);
  sameFiles(ref, out, 'resumed after a full disk');
});

test('a read-only file system is named as such, before computing', () => {
  if (!canMount) {
    console.log('  SKIPPED (read-only file system): needs root and \'mount -t tmpfs\'');
    return;
  }
  assert.is(mount('-o', 'remount,ro', mnt).status, 0);
  const r = run(args(join(mnt, 'ro')));
  failsWith(r, 2, /--out: .*cannot create .*mnt\/ro: EROFS/, 'read-only');
  assert.not.match(r.stderr, /train \[/, 'nothing computed');
});

test.after(() => {
  if (canMount) mount('-o', 'remount,rw', mnt), spawnSync('umount', [mnt]);
});

test.run();
