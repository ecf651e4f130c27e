// The test command: build, then run the uvu suites in Node (WebGPU = Dawn on SwiftShader, plus the
// headless-Chromium harness) and the cross-check and kernel suites again in Deno (WebGPU = wgpu on
// lavapipe). Ends with one line "tests: N passed, M failed". Usage: node scripts/test.mjs [--no-build]
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LAVAPIPE = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

function run(label, cmd, args, env = {}) {
  return new Promise((done) => {
    process.stdout.write(`\n=== ${label} ===\n`);
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => { out += d; process.stdout.write(d); });
    child.on('close', (code, signal) => done({ label, code: code ?? 1, signal, out }));
  });
}

/** uvu prints "Total: N / Passed: N / Skipped: N" per process. */
function counts(r) {
  const strip = r.out.replace(/\x1b\[[0-9;]*m/g, '');
  const total = [...strip.matchAll(/Total:\s+(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  const passed = [...strip.matchAll(/Passed:\s+(\d+)/g)].reduce((s, m) => s + Number(m[1]), 0);
  return { total, passed };
}

if (!process.argv.includes('--no-build')) {
  const b = await run('build', process.execPath, ['scripts/build.mjs']);
  if (b.code !== 0) process.exit(b.code);
}

// Strict type check of the tests and benchmarks (src is checked by the build's declaration pass).
const tc = await run('typecheck (tests, benchmarks)', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.test.json', '--noEmit']);
if (tc.code !== 0) process.exit(tc.code);

const icd = (path) => (process.env.VK_ICD_FILENAMES ? {} : existsSync(path) ? { VK_ICD_FILENAMES: path } : {});
const results = [];
// Vulkan loaders look for XDG_RUNTIME_DIR; without one they print an error per adapter request.
const runtimeDir = { XDG_RUNTIME_DIR: process.env.XDG_RUNTIME_DIR ?? '/tmp' };
results.push(await run('node (Dawn; headless Chromium)', process.execPath, ['node_modules/uvu/bin.js', 'build/test', '\\.test\\.js$'], { ...icd(SWIFTSHADER), ...runtimeDir }));

mkdirSync(join(root, 'build'), { recursive: true });
// The package's entries by name, as package.json's "exports" maps them (paths relative to build/).
const { exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const imports = Object.fromEntries(Object.entries(exports).filter(([, to]) => typeof to === 'object')
  .map(([from, to]) => [`dropout-sme${from.slice(1)}`, `.${to.default}`]));
writeFileSync(join(root, 'build/deno-import-map.json'), JSON.stringify({ imports }));
const deno = join(root, 'node_modules/.bin/deno');
for (const file of ['crosscheck.test.js', 'kernels.test.js']) {
  results.push(await run(`deno ${file} (wgpu)`, deno, ['run', '-A', '--quiet', '--import-map=build/deno-import-map.json', `build/test/${file}`], { ...icd(LAVAPIPE), ...runtimeDir }));
}

let passed = 0, failed = 0;
for (const r of results) {
  const c = counts(r);
  passed += c.passed;
  failed += c.total - c.passed;
  if (r.code !== 0 && c.total === c.passed) failed += 1; // a crash outside any test still fails
  if (r.code !== 0) console.log(`FAILED: ${r.label} exited with ${r.signal ?? r.code}`);
}
console.log(`\ntests: ${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
