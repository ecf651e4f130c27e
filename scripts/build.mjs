// Build everything: AssemblyScript variants (asconfig.json targets) → build/wasm/*.wasm, then
// esbuild bundles: the package's entries (platform-neutral ESM, the .wasm embedded; see ENTRIES)
// and the CLI (dist/cli.js, executable) as one split build sharing dist/chunks/, the browser lab
// (dist/lab), tests (build/test) and benchmarks (build/bench); tsc emits dist/types.
// Usage: node scripts/build.mjs [--no-wasm] [--no-types] [--only=dist|test|bench]
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdirSync, rmSync, existsSync, copyFileSync, chmodSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const only = [...args].find((a) => a.startsWith('--only='))?.slice(7);
const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, argv) => execFileSync(cmd, argv, { cwd: root, stdio: 'inherit' });

if (!args.has('--no-wasm')) {
  // A target may name its own "entry" (asc ignores the key); the kernel builds use assembly/index.ts.
  const targets = Object.entries(JSON.parse(readFileSync(join(root, 'asconfig.json'), 'utf8')).targets);
  mkdirSync(join(root, 'build/wasm'), { recursive: true });
  for (const [t, cfg] of targets) run(bin('asc'), [cfg.entry ?? 'assembly/index.ts', '--config', 'asconfig.json', '--target', t]);
}

run(process.execPath, ['scripts/build-data.mjs']); // build/data/mnist-10k.bin.gz, embedded by src/data/mnist.ts

const common = {
  bundle: true,
  format: 'esm',
  target: 'es2022',
  sourcemap: true,
  loader: { '.wasm': 'binary', '.wgsl': 'text', '.gz': 'binary' },
  // Node-only modules are loaded lazily behind runtime checks; browsers never reach them.
  // vega and vega-lite are runtime dependencies imported lazily by the report's render.
  external: ['webgpu', 'node:*', 'vega', 'vega-lite', 'playwright-core', '@tensorflow/*', 'uvu', 'uvu/*', 'esbuild', 'dropout-sme'],
  logLevel: 'warning',
};
const entries = (dir) =>
  existsSync(join(root, dir))
    ? readdirSync(join(root, dir), { recursive: true })
        .filter((f) => /\.ts$/.test(f) && !/\.d\.ts$/.test(f) && !f.split(/[\\/]/).some((p) => p.startsWith('_')))
        .map((f) => join(dir, f))
    : [];

/**
 * The package's entry points (package.json "exports"): dist/<name>.js from src/<name>.ts. The core
 * holds no data set; the digits are dropout-sme/mnist, loaded only where imported (reproduce and
 * the CLI import them dynamically on first use of the default data).
 */
const ENTRIES = { index: 'src/index.ts', mnist: 'src/mnist.ts', reproduce: 'src/reproduce.ts', report: 'src/report.ts' };

if (!only || only === 'dist') {
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  // One build with code splitting: modules shared by entries live once in dist/chunks/, so the
  // entries share one engine (one ArgumentError class for instanceof) and the CLI adds no second
  // copy of the digits. The CLI keeps its source's #! line (esbuild keeps an entry's hashbang).
  const cli = existsSync(join(root, 'src/cli/main.ts')) ? { cli: 'src/cli/main.ts' } : {};
  await esbuild.build({
    ...common, platform: 'neutral', mainFields: ['module', 'main'], splitting: true, absWorkingDir: root,
    entryPoints: { ...ENTRIES, ...cli }, outdir: 'dist', chunkNames: 'chunks/[name]-[hash]',
  });
  if (cli.cli) chmodSync(join(root, 'dist/cli.js'), 0o755); // `npx dropout-sme` runs it directly
  if (existsSync(join(root, 'src/lab/main.ts'))) await buildLab();
  if (!args.has('--no-types')) run(bin('tsc'), ['-p', 'tsconfig.json']);
}
/**
 * The browser lab: dist/lab/index.html (its import map names ../index.js as 'dropout-sme' and the
 * other entries as its subpaths, so the page loads the package's own bundles), lab.js with vega
 * and vega-lite bundled in (no network at view time), and lab-worker.js, which imports the
 * entries by path (workers have no import maps).
 */
async function buildLab() {
  const lab = { ...common, platform: 'browser', absWorkingDir: root, minify: true, sourcemap: false, external: [] };
  const packageByPath = {
    name: 'dropout-sme by path',
    setup: (b) => b.onResolve({ filter: /^dropout-sme(\/|$)/ }, (a) => ({ path: `../${a.path.slice(12) || 'index'}.js`, external: true })),
  };
  await esbuild.build({ ...lab, entryPoints: ['src/lab/main.ts'], outfile: 'dist/lab/lab.js', external: ['dropout-sme', 'dropout-sme/*'] });
  await esbuild.build({ ...lab, entryPoints: ['src/lab/worker.ts'], outfile: 'dist/lab/lab-worker.js', plugins: [packageByPath] });
  for (const f of ['index.html', 'lab.css']) copyFileSync(join(root, 'src/lab', f), join(root, 'dist/lab', f));
}

// Test and bench files named *.test.ts / *.bench.ts are entry points; helpers live beside them.
for (const [dir, suffix] of [['test', '.test.ts'], ['bench', '.bench.ts']]) {
  if (only && only !== dir) continue;
  const eps = entries(dir).filter((f) => f.endsWith(suffix) || f.endsWith('.page.ts'));
  rmSync(join(root, 'build', dir), { recursive: true, force: true });
  if (eps.length) {
    await esbuild.build({ ...common, platform: 'neutral', mainFields: ['module', 'main'], entryPoints: eps, outdir: join('build', dir), outbase: dir, absWorkingDir: root, outExtension: { '.js': '.js' } });
  }
}
