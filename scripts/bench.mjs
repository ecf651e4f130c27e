// Runs every benchmark bundle build/bench/*.bench.js (built by `node scripts/build.mjs --only=bench`)
// in Node, one process each. Flags: --json (each bench prints only a JSON array; this script
// prints one merged JSON array and nothing else), --relaxed (run Node with
// --experimental-wasm-relaxed-simd so the relaxed-SIMD builds are measured too); every other flag
// (--quick, --shape=…, --no-webgpu, --threads=N and --tasks=… of peers.bench) is passed on to the
// benches. peers.bench runs numpy and PyTorch (bench/peers/*.py) beside WASM: it finds them with
// Debian's /usr/bin/python3 or the python3 on PATH, and says which it could not find.
// WebGPU in Node uses Dawn; on a machine without a GPU, SwiftShader's Vulkan driver is picked
// when present (as in scripts/test.mjs).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const json = args.includes('--json');
const forward = args.filter((a) => a !== '--relaxed');
const nodeFlags = args.includes('--relaxed') ? ['--experimental-wasm-relaxed-simd'] : [];
const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';
const env = { ...process.env };
if (!env.VK_ICD_FILENAMES && existsSync(SWIFTSHADER)) env.VK_ICD_FILENAMES = SWIFTSHADER;
env.XDG_RUNTIME_DIR ??= '/tmp';

const dir = join(root, 'build/bench');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.bench.js')).sort() : [];
if (!files.length) {
  console.error('no build/bench/*.bench.js: run `node scripts/build.mjs --only=bench` first (npm run bench does)');
  process.exit(1);
}

const merged = [];
let failed = false;
for (const f of files) {
  if (!json) console.log(`\n=== ${f} ===`);
  const r = spawnSync(process.execPath, [...nodeFlags, join(dir, f), ...forward], {
    cwd: root, env, stdio: json ? ['ignore', 'pipe', 'inherit'] : 'inherit', encoding: 'utf8', maxBuffer: 64 << 20,
  });
  if (r.status !== 0) {
    failed = true;
    console.error(`${f} exited with ${r.signal ?? r.status}`);
    continue;
  }
  if (json) {
    // The bench prints only its JSON array on stdout; take the last line that parses.
    const lines = r.stdout.trim().split('\n').reverse();
    const line = lines.find((l) => { try { return Array.isArray(JSON.parse(l)); } catch { return false; } });
    if (line) merged.push(...JSON.parse(line));
    else { failed = true; console.error(`${f}: no JSON array on stdout`); }
  }
}
if (json) console.log(JSON.stringify(merged, null, 1));
process.exit(failed ? 1 : 0);
