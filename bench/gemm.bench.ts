/**
 * GEMM throughput (GFLOP/s = 2·m·n·k / time) of every available backend against the peer
 * @tensorflow/tfjs-backend-wasm (XNNPACK), all measured in the same run, reported as ratios.
 * Shapes: 256³, 512³, 1024³, 2048³ and the MNIST-layer product (10000×784)·(784×50).
 *
 * Timing: warm-up (at least 2 calls and 150 ms, so V8 has tiered the kernels up), then several
 * samples; a sample runs enough calls to last ≥ 40 ms; the median per-call time is reported.
 * WebGPU samples end with the read-back of one element, so queued work is really finished.
 *
 * Run: node scripts/bench.mjs [--json] [--quick] [--shape=1024] [--no-webgpu] (npm run bench builds
 * first). Runs in Node.
 * --json prints only a JSON array of {name, backend, value, unit, peer, peerValue, ratio}.
 */
import type { Backend, Tensor } from '../src/backend/backend.js';
import { createWasmBackend } from '../src/wasm/wasm-backend.js';
import { createWebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { type Row, JSON_OUT, NO_WEBGPU, QUICK, argv, log } from './_common.js';
import { loadTfjs, type Tf } from './_tfjs.js';

interface Shape {
  name: string;
  m: number;
  n: number;
  k: number;
}

const ALL_SHAPES: Shape[] = [
  { name: 'gemm 256³', m: 256, n: 256, k: 256 },
  { name: 'gemm 512³', m: 512, n: 512, k: 512 },
  { name: 'gemm 1024³', m: 1024, n: 1024, k: 1024 },
  { name: 'gemm 2048³', m: 2048, n: 2048, k: 2048 },
  { name: 'gemm (10000×784)·(784×50)', m: 10000, n: 50, k: 784 },
];

/** --shape=TEXT keeps the shapes whose name contains TEXT (e.g. --shape=1024). */
const shapeFilter = argv.find((a) => a.startsWith('--shape='))?.slice(8);
const SHAPES = shapeFilter ? ALL_SHAPES.filter((s) => s.name.includes(shapeFilter)) : ALL_SHAPES;
/** --no-webgpu skips the WebGPU backend (slow on a software adapter). */

const now = (): number => performance.now();

/** Median milliseconds per call of `fn` (async so WebGPU can await its read-back per sample). */
async function measure(fn: () => void, settle: () => Promise<void> | void): Promise<number> {
  const minSample = QUICK ? 15 : 40;
  let t0 = now();
  let calls = 0;
  while (calls < 2 || now() - t0 < (QUICK ? 50 : 150)) {
    fn();
    await settle();
    calls++;
  }
  const perCall = (now() - t0) / calls;
  const perSample = Math.max(1, Math.ceil(minSample / perCall));
  // Fewer samples for slow calls, so a 2048³ product on a software GPU still ends.
  const samples = perCall > 1000 ? 3 : QUICK ? 5 : 9;
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    t0 = now();
    for (let i = 0; i < perSample; i++) fn();
    await settle();
    times.push((now() - t0) / perSample);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1]!;
}

function fillRandom(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 32 - 0.5;
  }
  return out;
}

const gflops = (s: Shape, ms: number): number => (2 * s.m * s.n * s.k) / (ms * 1e6);

interface Contender {
  name: string;
  /** Milliseconds per call for one shape (median). */
  time(s: Shape): Promise<number>;
}

/** A Backend as a contender; `sync` false = end each sample with a one-element read-back. */
function backendContender(name: string, be: Backend, sync: boolean): Contender {
  return {
    name,
    async time(s) {
      const a = be.fromArray(fillRandom(s.m * s.k, 1));
      const b = be.fromArray(fillRandom(s.k * s.n, 2));
      const c: Tensor = be.create(s.m * s.n);
      try {
        return await measure(
          () => be.gemm(a, b, c, { m: s.m, n: s.n, k: s.k }),
          sync ? () => undefined : async () => void (await be.read(c, 0, 1)),
        );
      } finally {
        for (const t of [a, b, c]) be.dispose(t);
      }
    },
  };
}

// ---- the peer: tfjs-backend-wasm --------------------------------------------------------------

function tfjsContender(tf: Tf): Contender {
  return {
    name: PEER,
    async time(s) {
      const a = tf.tensor2d(fillRandom(s.m * s.k, 1), [s.m, s.k]);
      const b = tf.tensor2d(fillRandom(s.k * s.n, 2), [s.k, s.n]);
      try {
        // The wasm backend computes synchronously inside matMul; the result is freed each call.
        return await measure(() => tf.matMul(a, b).dispose(), () => undefined);
      } finally {
        a.dispose();
        b.dispose();
      }
    },
  };
}

// ---- main ---------------------------------------------------------------------------------------

const PEER = 'tfjs-wasm';
const values = new Map<string, Map<string, number>>(); // backend → shape → GFLOP/s
const record = (backend: string, s: Shape, ms: number): void => {
  if (!values.has(backend)) values.set(backend, new Map());
  values.get(backend)!.set(s.name, gflops(s, ms));
  log(`  ${backend.padEnd(13)} ${s.name.padEnd(27)} ${gflops(s, ms).toFixed(1).padStart(7)} GFLOP/s`);
};

log('GEMM benchmark (GFLOP/s = 2mnk/time, median of several samples; higher is better)');
const tfjs = await loadTfjs();
let peerLabel = PEER;
const cpu: Contender[] = [];
if ('error' in tfjs) log(`${PEER}: unavailable (${tfjs.error})`);
else {
  peerLabel = tfjs.label;
  log(`${PEER}: ${tfjs.label}`);
  cpu.push(tfjsContender(tfjs.tf));
}
const wasmAuto = await createWasmBackend({ threads: 'auto', simd: 'auto' });
const wasmOne = await createWasmBackend({ threads: 1, simd: 'auto' });
log(`wasm: ${wasmAuto.info.description}`);
log(`wasm-1thread: ${wasmOne.info.description}`);
cpu.push(backendContender('wasm', wasmAuto, true), backendContender('wasm-1thread', wasmOne, true));

// CPU contenders shape by shape, back to back, so a change in machine load hits them alike.
for (const s of SHAPES) for (const c of cpu) record(c.name, s, await c.time(s));
wasmAuto.destroy();
wasmOne.destroy();

if (NO_WEBGPU) log('webgpu: skipped (--no-webgpu)');
else try {
  const gpu = await createWebGPUBackend({});
  log(`webgpu: ${gpu.info.description}`);
  const c = backendContender('webgpu', gpu, false);
  for (const s of SHAPES) record('webgpu', s, await c.time(s));
  gpu.destroy();
} catch (err) {
  log(`webgpu: unavailable (${err instanceof Error ? err.message : String(err)})`);
}

const rows: Row[] = [];
const peer = values.get(PEER);
for (const [backend, byShape] of values) {
  for (const s of SHAPES) {
    const value = byShape.get(s.name);
    if (value === undefined) continue;
    const peerValue = peer?.get(s.name) ?? NaN;
    rows.push({ name: s.name, backend, value: round(value), unit: 'GFLOP/s', peer: PEER, peerValue: round(peerValue), ratio: round(value / peerValue, 3) });
  }
}

if (JSON_OUT) console.log(JSON.stringify(rows));
else {
  log(`\nRatios against the peer, ${peerLabel}, measured in the same run:`);
  for (const row of rows) {
    if (row.backend === PEER) continue;
    const ratio = Number.isFinite(row.ratio) ? `${row.ratio.toFixed(2)}× ${PEER}` : 'no peer';
    log(`${row.name.padEnd(27)} ${row.backend.padEnd(13)} ${row.value.toFixed(1).padStart(7)} GFLOP/s  vs ${Number.isFinite(row.peerValue) ? row.peerValue.toFixed(1).padStart(6) : '   n/a'} GFLOP/s  → ${ratio}`);
  }
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : (null as unknown as number);
}

// Dawn may keep handles open; a benchmark ends when it is done.
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
