/**
 * The package as a user gets it (issue 17). `npm pack` makes the tarball; `npm ci --offline`
 * installs it into an empty project in the system's temporary folder, outside the repository,
 * from the npm cache the repository's own `npm ci` filled (no network; the lock is the
 * repository's, cut to the runtime dependencies: ./_lockfile.ts). There, as a user would:
 * `npx dropout-sme demo`, `npx dropout-sme align --quick` (the reproduction's smallest section,
 * with its report), and ./probe.mjs imported by name from an ESM script in Node, from Deno and
 * from a static page in headless Chromium. Each probe must equal the same probe run here against
 * dist/ (WASM, plain SIMD build: deterministic across runtimes). This checks the files list, the
 * exports map, the bin with its execute bit, and the optional webgpu dependency (demo's backend
 * must be WebGPU where WebGPU is required). About a minute on 2 cores.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { haveChromium, openChromium, watch } from '../helpers/chromium.js';
import { webgpuRequired } from '../helpers/engines.js';
import { probeLockfile } from './_lockfile.js';

const root = resolve('.');
/** The user's project, made by the first test. */
let dir = '';
/** The children see no npm_* variables of an enclosing `npm test`, which name the repository. */
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries({ ...process.env, DENO_NO_UPDATE_CHECK: '1' }).filter(([k]) => !/^npm_/i.test(k) && k !== 'INIT_CWD'),
);
let installed = false;
let started = 0;

interface Output { code: number; stdout: string; stderr: string }
function sh(cmd: string, args: string[], cwd: string, timeoutS: number): Promise<Output> {
  return new Promise((done) => {
    execFile(cmd, args, { cwd, env, timeout: timeoutS * 1000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      done({ code, stdout: String(stdout), stderr: String(stderr) + (err && code === 1 && err.killed ? `\n(killed after ${timeoutS} s)` : '') });
    });
  });
}
const ok = (o: Output, what: string) => assert.is(o.code, 0, `${what} failed (exit ${o.code}):\n${o.stdout}\n${o.stderr}`);

interface ProbeResult { losses: number[]; mnist: { train: number }; [key: string]: unknown }
let reference: Promise<ProbeResult> | undefined;
/** The probe against the repository's dist/ (it imports 'dropout-sme' by name), run once. */
function expected(): Promise<ProbeResult> {
  reference ??= (async () => {
    const mod = (await import(pathToFileURL(join(root, 'test/package/probe.mjs')).href)) as { probe(): Promise<ProbeResult> };
    const r = await mod.probe();
    // A real run: 100 dropout-GD steps on the sine task lower the loss; 8,000 training digits.
    assert.ok(r.losses.every(Number.isFinite) && r.losses.at(-1)! < r.losses[0]!, `the probe's losses: ${r.losses}`);
    assert.is(r.mnist.train, 8000);
    return r;
  })();
  return reference;
}

test.after(() => {
  if (!dir) return;
  rmSync(dir, { recursive: true, force: true });
  console.log(`installed-package test: ${((Date.now() - started) / 1000).toFixed(0)} s`);
});

test('installed: npm pack, then npm ci --offline of the tarball into an empty project', async () => {
  assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/index.js missing: run npm run build');
  started = Date.now();
  dir = mkdtempSync(join(tmpdir(), 'dropout-sme-installed-'));
  // --ignore-scripts: `prepare` would rebuild; the tarball packs the dist/ this run tests.
  const pack = await sh('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], root, 120);
  ok(pack, 'npm pack');
  const [packed] = JSON.parse(pack.stdout) as { filename: string; integrity: string; files: { path: string; mode: number }[] }[];
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const files = new Map(packed!.files.map((f) => [f.path, f.mode]));
  const bin = manifest.bin['dropout-sme'].replace(/^\.\//, '');
  assert.ok((files.get(bin) ?? 0) & 0o111, `${bin} is packed without its execute bit (mode ${files.get(bin)?.toString(8)})`);
  for (const to of Object.values(manifest.exports) as (string | { types: string; default: string })[]) {
    for (const f of typeof to === 'string' ? [to] : [to.types, to.default]) assert.ok(files.has(f.replace(/^\.\//, '')), `exports names ${f}, which is not packed`);
  }
  assert.equal([...files.keys()].filter((f) => /^(build|test|bench|node_modules)\//.test(f)), [], 'build outputs or tests packed');

  const lock = probeLockfile(JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')), manifest,
    { file: packed!.filename, integrity: packed!.integrity }, 'probe');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'probe', private: true, type: 'module', dependencies: { 'dropout-sme': `file:${packed!.filename}` } }));
  writeFileSync(join(dir, 'package-lock.json'), JSON.stringify(lock, null, 2));
  ok(await sh('npm', ['ci', '--offline', '--no-audit', '--no-fund'], dir, 300), 'npm ci --offline (from the npm cache)');
  copyFileSync(join(root, 'test/package/probe.mjs'), join(dir, 'probe.mjs'));
  writeFileSync(join(dir, 'run.mjs'), "import { probe } from './probe.mjs';\nconsole.log(JSON.stringify({ where: import.meta.resolve('dropout-sme'), result: await probe() }));\n");
  installed = true;
});

test('installed: npx dropout-sme demo', async () => {
  assert.ok(installed, 'not installed');
  const out = await sh('npx', ['--offline', 'dropout-sme', 'demo', '--size', '128'], dir, 180);
  ok(out, 'npx dropout-sme demo');
  assert.match(out.stdout, /^check: +verified against float64/m);
  const backend = /^backend: (\w+)/m.exec(out.stdout)?.[1];
  if (webgpuRequired()) assert.is(backend, 'webgpu', `WebGPU is required here, and the installed CLI ran on ${backend}:\n${out.stdout}`);
  else if (backend !== 'webgpu') console.log(`NOTE: the installed CLI found no WebGPU adapter (${backend}); the optional webgpu dependency was not exercised`);
});

test('installed: npx dropout-sme align --quick writes results.json and the report', async () => {
  assert.ok(installed, 'not installed');
  ok(await sh('npx', ['--offline', 'dropout-sme', 'align', '--quick', '--backend', 'wasm', '--out', 'align'], dir, 300), 'npx dropout-sme align --quick');
  const results = JSON.parse(readFileSync(join(dir, 'align/results.json'), 'utf8'));
  assert.is(results.schema, 'dropout-sme/results@3');
  const a = results.alignment;
  assert.ok(a.steps.length > 1 && a.alpha.length === a.steps.length && a.nullMean.length === a.steps.length, 'one α and null per step');
  // α(H, Σ) = Tr(HΣ)/(‖H‖_F‖Σ‖_F) is a cosine between symmetric matrices: in [−1, 1].
  for (const v of [...a.alpha, ...a.nullMean]) assert.ok(Number.isFinite(v) && Math.abs(v) <= 1, `α out of [−1, 1]: ${v}`);
  assert.ok(a.eigenvalues.length > 0 && a.eigenvalues.every((v: number, i: number) => i === 0 || v <= a.eigenvalues[i - 1]), 'eigenvalues not in descending order');
  const html = readFileSync(join(dir, 'align/report.html'), 'utf8');
  assert.ok((html.match(/<svg/g) ?? []).length >= 2, 'report.html lacks its two alignment figures (vega from the installed dependencies)');
});

test('installed: an ESM script in Node imports the entries and computes what dist/ computes', async () => {
  assert.ok(installed, 'not installed');
  const out = await sh(process.execPath, ['run.mjs'], dir, 120);
  ok(out, 'node run.mjs');
  const { where, result } = JSON.parse(out.stdout);
  assert.ok(where.startsWith(pathToFileURL(dir).href), `'dropout-sme' resolved to ${where}, outside the project`);
  assert.equal(result, await expected());
});

test('installed: Deno imports the entries and computes what dist/ computes', async () => {
  assert.ok(installed, 'not installed');
  const out = await sh(join(root, 'node_modules/.bin/deno'), ['run', '-A', '--cached-only', '--quiet', 'run.mjs'], dir, 120);
  ok(out, 'deno run run.mjs');
  const { where, result } = JSON.parse(out.stdout);
  assert.ok(where.startsWith(pathToFileURL(dir).href), `'dropout-sme' resolved to ${where}, outside the project`);
  assert.equal(result, await expected());
});

test('installed: a static page in headless Chromium imports the entries and computes what dist/ computes', async () => {
  assert.ok(installed, 'not installed');
  if (!haveChromium('the installed package in a page')) return;
  // The page's import map names each entry of the installed package.json's exports, as a user's would.
  const { exports } = JSON.parse(readFileSync(join(dir, 'node_modules/dropout-sme/package.json'), 'utf8'));
  const imports = Object.fromEntries(Object.entries(exports as Record<string, { default?: string }>).filter(([, to]) => to.default)
    .map(([from, to]) => [`dropout-sme${from.slice(1)}`, `/node_modules/dropout-sme/${to.default!.slice(2)}`]));
  writeFileSync(join(dir, 'index.html'), `<!doctype html><meta charset="utf-8"><title>probe</title><link rel="icon" href="data:,">
<script type="importmap">${JSON.stringify({ imports })}</script>
<script type="module">
import { probe } from './probe.mjs';
probe().then((r) => { globalThis.__probe = r; }, (e) => { globalThis.__probe = { error: String(e && e.stack || e) }; });
</script>`);
  const session = await openChromium({ isolated: true, root: dir });
  try {
    const page = await session.browser.newPage();
    const { errors } = watch(page);
    await page.goto(`${session.url}/index.html`);
    await page.waitForFunction(() => (globalThis as { __probe?: unknown }).__probe !== undefined, null, { timeout: 120_000, polling: 200 });
    const result = await page.evaluate(() => (globalThis as { __probe?: unknown }).__probe);
    assert.equal(errors, [], 'page errors');
    assert.equal(result, await expected());
  } finally {
    await session.close();
  }
});

test.run();
