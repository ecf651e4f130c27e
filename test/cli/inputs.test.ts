/**
 * Inputs the command line refuses quickly and in one line (issue 19, items 6, 8, 9 and 10):
 * unbounded or wrong files (/dev/zero, a folder, an oversized config), a truncated or torn train
 * checkpoint, settings the data or the machine cannot hold (refused up front under their config
 * path, with the real limit), labels outside the declared classes, and a diverging run however
 * short. .npy.gz inputs are read like .npy ones.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { failsWith, run, tempDir, tinyData } from './_cli.js';

const dir = tempDir('inputs');
const { data, labels } = tinyData(dir);
const train = (out: string, ...more: string[]) => ['train', '--data', data, '--labels', labels, '--hidden', '3', '--steps', '6', '--save-every', '2', '--backend', 'wasm', '--out', join(dir, out), ...more];
const config = (name: string, value: unknown) => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value));
  return path;
};
/** Refusals that read nothing unbounded and compute nothing take well under this (startup ≈ 1 s). */
const FAST_MS = 15_000;

test('unbounded or wrong input files are refused before reading them through', () => {
  writeFileSync(join(dir, 'big.json'), `{"sme": {"steps": 2}, "pad": "${'x'.repeat(1 << 20)}"}`);
  const cases: [string[], RegExp][] = [
    [['reproduce', '--config', '/dev/zero'], /--config: expected a regular file or a pipe, got \/dev\/zero \(a device\)/],
    [['train', '--data', '/dev/zero', '--labels', labels], /--data: expected a regular file or a pipe, got \/dev\/zero \(a device\)/],
    [['train', '--data', data, '--labels', '/dev/zero'], /--labels: expected a regular file or a pipe/],
    [['reproduce', '--config', dir], /--config: expected a file, got .* \(a folder\)/],
    [['reproduce', '--config', join(dir, 'big.json')], /--config: expected a file of at most 1 MiB, got .*big\.json \(\d+ bytes\)/],
    [['reproduce', '--config', join(dir, 'missing.json')], /--config: expected an existing, readable file, got .*missing\.json \(no such file\)/],
    [['hessian', '--params', '/dev/zero', '--data', data, '--labels', labels, '--hidden', '3'], /--params: expected a regular file or a pipe/],
  ];
  for (const [args, message] of cases) {
    const r = run(args, { timeout: 60_000 });
    failsWith(r, 2, message, args.join(' '));
    assert.ok(r.ms < FAST_MS, `${args.join(' ')}: ${r.ms} ms`);
  }
});

test('a truncated or torn train checkpoint is refused by --resume in one line', () => {
  const out = join(dir, 'ckpt');
  assert.is(run(train('ckpt')).status, 0);
  const state = readFileSync(join(out, 'train-state.json'), 'utf8');
  writeFileSync(join(out, 'train-state.json'), state.slice(0, 40));
  failsWith(run(train('ckpt', '--resume')), 2, /--resume: expected a complete checkpoint of the same run .*train-state\.json: unreadable \(not valid JSON\)/, 'truncated');
  writeFileSync(join(out, 'train-state.json'), state);
  const slot = (JSON.parse(state) as { params: { name: string } }).params.name;
  const bytes = readFileSync(join(out, slot));
  bytes[bytes.length - 1]! ^= 1;
  writeFileSync(join(out, slot), bytes);
  failsWith(run(train('ckpt', '--resume')), 2, /--resume: .*checkpoint\/params-[ab]\.npy does not match it \(a torn or changed checkpoint\)/, 'torn');
  failsWith(run(train('none', '--resume')), 2, /--resume: expected a checkpoint in .*none, got none found/, 'absent');
});

test('.npy.gz inputs are gunzipped and read as .npy: the same θ as the plain files', () => {
  writeFileSync(join(dir, 'x.npy.gz'), gzipSync(readFileSync(data)));
  writeFileSync(join(dir, 'y.npy.gz'), gzipSync(readFileSync(labels)));
  assert.is(run(train('plain')).status, 0);
  const gz = run(['train', '--data', join(dir, 'x.npy.gz'), '--labels', join(dir, 'y.npy.gz'), '--hidden', '3', '--steps', '6', '--save-every', '2', '--backend', 'wasm', '--out', join(dir, 'gz')]);
  assert.is(gz.status, 0, gz.stderr);
  assert.equal(readFileSync(join(dir, 'gz', 'params.npy')), readFileSync(join(dir, 'plain', 'params.npy')));
});

test('labels outside the declared classes are refused; --classes declares them', () => {
  const y = Int32Array.from({ length: 24 }, (_, i) => i % 3);
  y[7] = 200;
  const stray = join(dir, 'y200.npy');
  writeFileSync(stray, writeNpy(y));
  const base = ['train', '--data', data, '--labels', stray, '--hidden', '3', '--steps', '2', '--backend', 'wasm', '--out', join(dir, 'classes')];
  failsWith(run(base), 2, /--labels: expected classes 0 … 200 each present .*--classes.*, got label 200 at row 7 with 197 of those classes absent/, 'stray label');
  failsWith(run([...base, '--classes', '10']), 2, /--labels: expected class labels below --classes = 10, got 200 at row 7/, 'declared 10');
  const ok = run(['train', '--data', data, '--labels', labels, '--classes', '5', '--hidden', '3', '--steps', '2', '--backend', 'wasm', '--out', join(dir, 'five')]);
  assert.is(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(readFileSync(join(dir, 'five', 'train.json'), 'utf8')).sizes, [4, 3, 5], 'five output units');
  failsWith(run(['train', '--classes', '3', '--out', join(dir, 'no-data')]), 2, /--classes: expected your own --data and --labels/, '--classes without --data');
});

test('settings the data or the machine cannot hold are refused up front, under their config path, with the limit', () => {
  const cases: [string, unknown, RegExp][] = [
    ['n.json', { sme: { data: { n: 1e7 } } }, /config\.sme\.data\.n: expected at most 8000 \(the rows of the embedded MNIST training set\), got 10000000/],
    ['wide.json', { alignment: { net: { hidden: [5000000] } } }, /config\.alignment\.net\.hidden\[0\]: expected at most \d+ with the other settings as they are \(the alignment section needs an estimated [\d.]+ GB of device memory .*more than the 4 GiB of WebAssembly memory\), got 5000000/],
    ['eig.json', { alignment: { eigenpairs: 1e6 } }, /config\.alignment\.eigenpairs: expected at most D = 39760 \(the parameters of config\.alignment\.net\), got 1000000/],
    ['every.json', { alignment: { every: 100 } }, /config\.alignment\.every: expected at most config\.alignment\.steps = 40, got 100/],
    ['paths.json', { sme: { paths: 2e7 } }, /config\.sme\.paths: expected a positive integer in \[1, 10000000\], got 20000000/],
    ['batch.json', { flatness: { approachBatch: 5000 } }, /config\.flatness\.approachBatch: expected at most the 1000 rows of config\.flatness\.data, got 5000/],
  ];
  for (const [name, value, message] of cases) {
    const r = run(['reproduce', '--quick', '--backend', 'wasm', '--config', config(name, value), '--out', join(dir, `cfg-${name}`)], { timeout: 60_000 });
    failsWith(r, 2, message, name);
    assert.ok(r.ms < FAST_MS, `${name}: refused after ${r.ms} ms`);
    assert.not.ok(existsSync(join(dir, `cfg-${name}`)), `${name}: no output folder made`);
  }
  const huge = run(['train', '--hidden', '65536,65536', '--backend', 'wasm', '--out', join(dir, 'huge')]);
  failsWith(huge, 2, /--hidden: expected layers whose buffers fit in the 4 GiB of WebAssembly memory .*2 layers of at most \d+ units would fit\), got "65536,65536"/, 'train --hidden');
  failsWith(run(['hessian', '--data', data, '--labels', labels, '--hidden', '3', '--k', '100', '--backend', 'wasm', '--out', join(dir, 'k')]), 2, /--k: expected at most D = 27/, 'hessian --k');
});

test('divergence is caught however short the run: exit 1, one line, no parameters written', () => {
  mkdirSync(join(dir, 'div'));
  const r = run(['train', '--lr', '1e300', '--steps', '5', '--backend', 'wasm', '--hidden', '3', '--data', data, '--labels', labels, '--out', join(dir, 'div')]);
  // The first update overflows; whether the loss after it reads NaN or Infinity depends on θ₀'s
  // draw (it read NaN before the stream registry moved the initialisation, Infinity since): both
  // are the divergence this test is about.
  failsWith(r, 1, /diverged at step \d: loss (NaN|Infinity) \(lower the learning rate\)/, 'lr 1e300');
  assert.not.ok(existsSync(join(dir, 'div', 'params.npy')));
});

test.run();
