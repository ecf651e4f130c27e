/**
 * Helpers of the command-line fault tests: running dist/cli.js (waiting, or in the background),
 * a tiny data set and settings, and a folder's files for byte-for-byte comparison.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as assert from 'uvu/assert';
import { writeNpy } from '../../src/data/npy.js';

export const CLI = join(process.cwd(), 'dist/cli.js');

export interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export function run(args: string[], o: { env?: Record<string, string>; node?: string[]; cwd?: string; timeout?: number } = {}): Ran {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [...(o.node ?? []), CLI, ...args], {
    encoding: 'utf8', timeout: o.timeout ?? 120_000, env: { ...process.env, ...o.env }, ...(o.cwd ? { cwd: o.cwd } : {}),
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
}

/** The same, without blocking the test (several runs at once). */
export function runAsync(args: string[], o: { env?: Record<string, string>; node?: string[] } = {}): { child: ChildProcess; done: Promise<Ran> } {
  const t0 = Date.now();
  const child = spawn(process.execPath, [...(o.node ?? []), CLI, ...args], { env: { ...process.env, ...o.env } });
  let stdout = '', stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Ran>((resolve) => child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr, ms: Date.now() - t0 })));
  return { child, done };
}

export const tempDir = (tag: string) => mkdtempSync(join(tmpdir(), `dropout-sme-${tag}-`));

/** An expected failure: the exit status, one line on stderr matching `message`, no stack trace. */
export function failsWith(r: Ran, status: number, message: RegExp, what: string): void {
  assert.is(r.status, status, `${what}: exit status (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n').filter((l) => l.startsWith('dropout-sme:'));
  assert.is(lines.length, 1, `${what}: one error line (stderr: ${r.stderr})`);
  assert.match(lines[0]!, message, what);
  assert.not.match(r.stderr, /\n\s+at .+:\d+:\d+/, `${what}: no stack trace`);
}

/** A small classification set as .npy files (24 rows of 4 features, labels 0, 1, 2), and its paths. */
export function tinyData(dir: string): { data: string; labels: string } {
  let s = 12345;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = Float32Array.from({ length: 24 * 4 }, rand), y = Int32Array.from({ length: 24 }, (_, i) => i % 3);
  const data = join(dir, 'x.npy'), labels = join(dir, 'y.npy');
  writeFileSync(data, writeNpy(x, [24, 4]));
  writeFileSync(labels, writeNpy(y));
  return { data, labels };
}

/** Every file under `dir` (relative path → bytes), leaving out the run's marker and lock. */
export function filesOf(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (statSync(join(dir, r)).isDirectory()) walk(r);
      else if (!/^\.dropout-sme-.*\.(json|lock)$/.test(r)) out.set(r, readFileSync(join(dir, r)).toString('base64'));
    }
  };
  walk('');
  return out;
}

/** Asserts two folders hold the same files, byte for byte (marker and lock aside). */
export function sameFiles(a: string, b: string, what: string): void {
  const fa = filesOf(a), fb = filesOf(b);
  assert.equal([...fb.keys()], [...fa.keys()], `${what}: the same files`);
  for (const [k, v] of fa) assert.ok(fb.get(k) === v, `${what}: ${k} differs`);
}
