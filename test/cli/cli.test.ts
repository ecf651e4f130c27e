/**
 * The command line end to end (Node, WASM, tiny settings): a run killed with SIGKILL and rerun
 * with --resume ends with the same results.json as an uninterrupted run; a rerun is byte-identical;
 * three --shard runs merged equal the unsharded run; bad input exits with status 2 and a message
 * naming the argument.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TINY } from '../experiments/_tiny.js';

const cli = join(process.cwd(), 'dist/cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dropout-sme-cli-'));
const config = join(dir, 'tiny.json');
writeFileSync(config, JSON.stringify(TINY));
const base = ['--quick', '--config', config, '--backend', 'wasm', '--seed', '5'];

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const results = (out: string) => readFileSync(join(out, 'results.json'), 'utf8');

const A = join(dir, 'a');
const first = run(['reproduce', ...base, '--out', A]);

test('reproduce writes results.json, the report, figures and arrays', () => {
  assert.is(first.status, 0, first.stderr);
  for (const f of ['results.json', 'config.json', 'report.html']) assert.ok(existsSync(join(A, f)), f);
  assert.ok(readdirSync(join(A, 'npy')).includes('sweep.series.sme1.errors.npy'));
  assert.match(first.stdout, /weak order, drift-dominated \(T = [0-9.]+\), SME order 1/);
  assert.match(first.stdout, /closest SME, noise-dominated/);
});

test('the same seed and backend give a byte-identical results.json', () => {
  const B = join(dir, 'b');
  assert.is(run(['reproduce', ...base, '--out', B]).status, 0);
  assert.is(results(B), results(A));
});

test('killed with SIGKILL, then --resume: the same results.json', async () => {
  const K = join(dir, 'k');
  const child = spawn(process.execPath, [cli, 'reproduce', ...base, '--out', K], { stdio: 'ignore' });
  const ckpt = join(K, 'checkpoint');
  // Kill once a few units are checkpointed (polling; the run takes several seconds).
  await new Promise<void>((done, fail) => {
    const t = setInterval(() => {
      const n = existsSync(ckpt) ? readdirSync(ckpt).filter((f) => f.endsWith('.json')).length : 0;
      if (n >= 3) { clearInterval(t); child.kill('SIGKILL'); done(); }
    }, 20);
    child.on('exit', () => { clearInterval(t); fail(new Error('the run ended before it could be killed')); });
  });
  await new Promise((r) => child.on('exit', r));
  assert.not.ok(existsSync(join(K, 'results.json')), 'killed before the end');
  const resumed = run(['reproduce', ...base, '--out', K, '--resume']);
  assert.is(resumed.status, 0, resumed.stderr);
  assert.is(results(K), results(A));
});

test('three shards merged equal the unsharded run', () => {
  const S = join(dir, 's');
  for (const i of [1, 2, 3]) assert.is(run(['reproduce', ...base, '--out', S, '--shard', `${i}/3`]).status, 0);
  const M = join(dir, 'm');
  const parts = [1, 2, 3].map((i) => join(S, `partial-${i}-of-3.json`));
  const merged = run(['merge', ...parts, '--out', M]);
  assert.is(merged.status, 0, merged.stderr);
  assert.is(results(M), results(A));
  const missing = run(['merge', parts[0]!, parts[2]!, '--out', join(dir, 'm2')]);
  assert.is(missing.status, 2);
  assert.match(missing.stderr, /partial: expected all 3 shards, got "missing shard 2\/3"/);
});

test('bad input: exit status 2 and a message naming the argument', () => {
  const cases: [string[], RegExp][] = [
    [['reproduce', '--shard', '0/3'], /--shard: expected i\/N with 1 ≤ i ≤ N/],
    [['reproduce', '--seed=-4'], /--seed: expected an integer/],
    [['reproduce', '--seed', '1.5'], /--seed: expected an integer/],
    [['reproduce', '--backend', 'cuda'], /--backend: expected 'auto', 'webgpu' or 'wasm'/],
    [['reproduce', '--resume', '--out', join(dir, 'none')], /--resume: expected a checkpoint/],
    [['reproduce', '--config', join(dir, 'missing.json')], /--config: expected an existing, readable file/],
    [['train', '--keep', '0'], /--keep: expected a keep probability in \(0, 1\]/],
    [['train', '--data', join(dir, 'tiny.json'), '--labels', join(dir, 'tiny.json')], /images|--data/],
    [['hessian', '--of', 'both'], /--of: expected 'loss' or 'modified'/],
    [['flatness', '--predict', 'pcb'], /--predict: expected 'pca', 'hessian', 'pca,hessian' or 'none', got "pcb"/],
    [['sme', '--predict', 'pca'], /Unknown option '--predict'/],
    [['fly'], /command: expected reproduce, sme/],
  ];
  for (const [args, message] of cases) {
    const r = run(args);
    assert.is(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  writeFileSync(join(dir, 'bad.json'), '{"sweep": {"keeps": [0.5,');
  const r = run(['reproduce', '--config', join(dir, 'bad.json')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /--config: expected valid JSON/);
});

test('flatness --predict pca,hessian: the dropout window predicted in both bases', () => {
  const F = join(dir, 'f');
  const r = run(['flatness', ...base, '--predict', 'pca,hessian', '--out', F]);
  assert.is(r.status, 0, r.stderr);
  const runs = JSON.parse(results(F)).flatness.runs as { method: string; kind: string; predictions?: { basis: string }[] }[];
  assert.equal(runs.find((x) => x.method === 'dropout' && x.kind === 'trajectory')!.predictions!.map((p) => p.basis), ['pca', 'hessian']);
  assert.match(run(['flatness', '--help']).stdout, /--predict <bases>/);
  assert.not.match(run(['sme', '--help']).stdout, /--predict/);
});

test('every command has --help; an experiment command\'s says what it runs, as the command list does', () => {
  const list = run(['--help']).stdout;
  for (const c of ['reproduce', 'sme', 'flatness', 'align', 'train', 'hessian', 'merge', 'demo']) {
    const r = run([c, '--help']);
    assert.is(r.status, 0, c);
    assert.match(r.stdout, new RegExp(`Usage: dropout-sme ${c}`));
    const what = new RegExp(`^  ${c} +(.+)$`, 'm').exec(list)?.[1];
    assert.ok(what, `${c} is in the command list`);
    if (['reproduce', 'sme', 'flatness', 'align'].includes(c)) assert.ok(r.stdout.includes(`\n${what}\n`), `${c} --help: ${r.stdout.slice(0, 200)}`);
  }
});

test.run();
