/**
 * dropout-sme on WebAssembly against the native peers a researcher on a CPU would pick — numpy and
 * PyTorch (bench/peers/*.py) — and against the machine's own ceiling, all in one run:
 *
 *   ceiling      f32x4 multiply-add throughput in WebAssembly, one thread and all threads
 *                (bench/_ceiling.ts: relaxed-SIMD FMA where the runtime validates it, else mul+add),
 *                and the CPU's own (bench/native/fma_peak.c: 256- and 128-bit FMA, built with the
 *                machine's C compiler where there is one), with the load average before and after;
 *   step-W1/W2   one full-batch dropout-GD step (SPEC §7: W1 784-50-50-10, W2 784-1000-10, tanh,
 *                keep p = 0.9 on every hidden layer, biases, MSE 1/(2n) Σ‖f − y‖² on one-hot
 *                targets, all 10,000 embedded MNIST digits, lr 0.05; a fresh mask row η = B/p per
 *                hidden layer per step, shared by the batch): engine.train vs numpy (hand-written
 *                backprop) and PyTorch (autograd);
 *   hvp-W1       one H·v of R_S at the initial θ: model.hvpTensor (exact R-operator) vs PyTorch's
 *                double backward (numpy: none, it has no autodiff);
 *   lanczos-W1   top-10 Hessian eigenpairs, 40 Lanczos steps with full reorthogonalisation:
 *                engine.hessianEigen vs the same algorithm in PyTorch on its double-backward HVP;
 *   mask64-W1    64 mask gradients ∇R_S^drop(θ; η_j) at the initial θ for the noise factor
 *                (SPEC §3): dropout-sme's batched pass (gradientSamples, as engine.noiseFactor
 *                calls it, into a device tensor) vs PyTorch looping over the masks (one forward +
 *                torch.autograd.grad each, stacked 64 × D);
 *   gemm-1024    C = A·B, 1024³, float32: backend.gemm vs np.matmul and torch.mm;
 *   gemm-1024-1t the same product on a 1-thread WASM backend (no peer): how the GEMM scales.
 *
 * Same function on both sides: the peers read dropout-sme's data and initial θ (written to a
 * temporary directory), and before timing the bench compares their loss and gradient without
 * dropout (W1, W2), PyTorch's H·v (W1) and its top Lanczos eigenvalues with dropout-sme's.
 *
 * Threads: WASM and the peers get the same count (--threads=N, default the engine's: the machine's
 * cores), printed at the start. The peers run with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset
 * (in their environment alone) and the OpenBLAS kernel they then run is printed.
 *
 * Timing: per task, each contender warms up (calls until WARM ms, at least 2; 1 where a call takes
 * over a second), then samples of ≥ MIN_SAMPLE ms are taken round-robin (dropout-sme, numpy,
 * PyTorch, the order rotating each round), so a change of machine load hits each alike; a peer
 * times its own calls (time.perf_counter), dropout-sme's calls end with a read of a result, so the
 * work has finished. The median per call is reported with the samples' range.
 *
 * Rows (--json): value = dropout-sme's median ms per call, peerValue = the peer's, ratio = peer ms
 * ÷ dropout-sme ms, the speed-up (> 1: dropout-sme is faster); peer 'numpy' or 'pytorch'. GEMM and
 * training rows carry `ceiling`: their flops per second (GEMM 2·1024³; a step's GEMM flops, as
 * train.bench counts them) as a fraction of the all-thread ceiling (gemm-1024-1t: of the 1-thread one). The ceiling rows have value in
 * GFLOP/s and peer 'none'.
 *
 * Run: node scripts/bench.mjs [--json] [--quick] [--threads=N] (npm run bench builds first), or
 * node build/bench/peers.bench.js [--json] [--quick] [--threads=N] [--tasks=step-W1,gemm-1024].
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '../src/engine.js';
import { loadMnistAll } from '../src/data/mnist.js';
import { rademacher } from '../src/curvature/lanczos.js';
import { gradientSamples } from '../src/noise/noise-factor.js';
import { hardwareThreads } from '../src/wasm/threads.js';
import { createWasmBackend } from '../src/wasm/wasm-backend.js';
import type { Mlp } from '../src/model/mlp.js';
import type { DeviceDataset } from '../src/model/dataset.js';
import type { Tensor } from '../src/backend/backend.js';
import { type Row, type Timed, JSON_OUT, QUICK, argv, log, now, sampleInterleaved, spread, stepFlops } from './_common.js';
import { measureCeiling, measureNativeCeiling } from './_ceiling.js';
import { startPeer, type Peer, type PeerName } from './_peers.js';

const KEEP = 0.9;
const LR = 0.05;
const INIT_SEED = 7;
const MASK_SEED = 11;
const W1 = [784, 50, 50, 10];
const W2 = [784, 1000, 10];
const LANCZOS = { k: 10, steps: 40, maxSteps: 40, which: 'LA' as const, seed: 3 };
const WARM = QUICK ? 300 : 1000;
const MIN_SAMPLE = QUICK ? 200 : 500;
const GEMM_N = 1024;
/** Idle gap after each peer sample (OpenBLAS' helper threads spin up to about 0.1 s after a call). */
const SETTLE_MS = 200;

const threadsArg = argv.find((a) => a.startsWith('--threads='))?.slice(10);
const THREADS = threadsArg === undefined ? await hardwareThreads() : Number(threadsArg);
if (!Number.isInteger(THREADS) || THREADS < 1) throw new Error(`--threads: expected a positive integer, got ${threadsArg}`);
const taskFilter = argv.find((a) => a.startsWith('--tasks='))?.slice(8).split(',');

interface Task {
  id: string;
  name: string;
  /** Flops of one call, for the ceiling fraction (GEMM and training rows only). */
  flops?: number;
  /** Runs on one thread: its fraction is of the 1-thread ceiling (default: all threads). */
  oneThread?: boolean;
  /** dropout-sme's side: `count` calls, finished when it resolves. */
  run(count: number): Promise<void>;
}

interface Contender extends Timed {
  label: string;
}

async function warmUp(run: (count: number) => Promise<void | number>): Promise<number> {
  let t0 = now();
  let ms = await run(1);
  const first = typeof ms === 'number' ? ms : now() - t0;
  if (first > 1000) return first;
  let total = 0, calls = 0;
  do {
    t0 = now();
    ms = await run(1);
    total += typeof ms === 'number' ? ms : now() - t0;
    calls++;
  } while (calls < 2 || total < WARM);
  return total / calls;
}

const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

// ---- set-up ---------------------------------------------------------------------------------------

log('dropout-sme (WebAssembly) against numpy and PyTorch, and against the machine\'s f32x4 ceiling, in one run');
log(`threads: ${THREADS} for WASM and for each peer${threadsArg === undefined ? ' (the machine\'s cores; --threads=N to change)' : ' (--threads)'}`);

// A busy machine makes every row and the all-thread ceiling slower: say how busy it was.
const loadStart = loadavg()[0]!;
log(`load average before the run: ${loadStart.toFixed(2)} (1 minute; ${THREADS} cores wanted idle)`);
const ceilingStart = await measureCeiling(THREADS);
const ceiling = { ...ceilingStart };
log(`\nceiling at the start (${ceiling.build} build, f32x4 ${ceiling.op === 'fma' ? 'relaxed_madd: fused multiply-add' : 'mul + add: relaxed SIMD does not validate here'}):`);
log(`  1 thread  ${ceiling.one.toFixed(1).padStart(6)} GFLOP/s`);
log(`  ${ceiling.threads} threads ${ceiling.all.toFixed(1).padStart(6)} GFLOP/s`);
if (ceiling.op === 'fma') {
  // Where relaxed SIMD validates, the plain SIMD build's mul + add too, for comparison (not used).
  const plain = await measureCeiling(THREADS, 'simd');
  log(`  for comparison, mul + add (${plain.build} build): 1 thread ${plain.one.toFixed(1)} GFLOP/s, ${plain.threads} threads ${plain.all.toFixed(1)} GFLOP/s`);
}
/** The all-thread ceiling is the cores' sum; well under it, something else took part of a core. */
const warnIfCoreBusy = (c: { one: number; all: number; threads: number }): void => {
  if (c.threads > 1 && c.all < 0.75 * c.threads * c.one) {
    log(`  WARNING: ${c.threads} threads reached ${(c.all / c.one).toFixed(2)}× one thread (idle cores give about ${c.threads}×): another process, or the host's other tenants, took part of a core, and every fraction of this ceiling reads high`);
  }
};
warnIfCoreBusy(ceiling);
// The CPU's own ceiling, for the README's comparison: native fused multiply-adds, 256 and 128 bits.
const native = measureNativeCeiling(THREADS);
if ('error' in native) log(`native ceiling: none (${native.error})`);
else {
  log(`native ceiling (bench/native/fma_peak.c, ${native.compiler} -O2 -mavx2 -mfma; fused multiply-add on registers):`);
  log(`  256-bit (AVX2)  1 thread ${native.avx2.one.toFixed(1).padStart(6)}, ${THREADS} threads ${native.avx2.all.toFixed(1).padStart(6)} GFLOP/s`);
  log(`  128-bit         1 thread ${native.sse.one.toFixed(1).padStart(6)}, ${THREADS} threads ${native.sse.all.toFixed(1).padStart(6)} GFLOP/s (f32x4's width)`);
  log(`  the WASM ceiling is ${((100 * ceiling.one) / native.avx2.one).toFixed(0)} % of AVX2's and ${((100 * ceiling.one) / native.sse.one).toFixed(0)} % of 128-bit FMA's, on one thread`);
}

const host = await loadMnistAll();
const engine: Engine = await createEngine({ backend: 'wasm', threads: THREADS });
log(`\nwasm: ${engine.backendInfo.description}`);
const data: DeviceDataset = engine.dataset(host);
const k = engine.kernels;
const mlp = (sizes: number[]): Mlp => engine.mlp({ sizes, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });
const models = { W1: mlp(W1), W2: mlp(W2) };

const dir = mkdtempSync(join(tmpdir(), 'dropout-sme-peers-'));
const v1 = rademacher(models.W1.size, 1, 0x6e7c, 0);
writeFileSync(join(dir, 'meta.json'), JSON.stringify({ n: host.n, in_dim: host.inDim, out_dim: host.outDim, keep: KEEP, lr: LR, workloads: { W1, W2 } }));
writeFileSync(join(dir, 'x.f32'), host.x);
writeFileSync(join(dir, 'y.f32'), host.y);
writeFileSync(join(dir, 'v-W1.f32'), v1);
for (const [id, m] of Object.entries(models)) writeFileSync(join(dir, `theta-${id}.f32`), await m.getParams());

const peers: Peer[] = [];
for (const name of ['numpy', 'pytorch'] as PeerName[]) {
  const p = await startPeer(name, dir, THREADS);
  if ('error' in p) {
    log(`${name}: not found (${p.error}); going on without it`);
    continue;
  }
  peers.push(p);
  const blas = p.blasCore ? `OpenBLAS, kernel ${p.blasCore}` : 'no OpenBLAS kernel reported: a reference BLAS? ratios against it say nothing (install libopenblas0-pthread)';
  log(`${name}: ${p.ready.version} (${p.python}; ${blas}; ${p.ready.threads} threads${p.unset.length ? `; unset for it: ${p.unset.join(', ')}` : ''})`);
  for (const [task, why] of Object.entries(p.ready.skipped)) log(`  ${task}: none (${why})`);
}

// ---- same function on both sides ------------------------------------------------------------------

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / (den || 1);
}
const readF32 = (file: string): Float32Array => {
  const b = readFileSync(join(dir, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};
log('\nchecks (no dropout, initial θ; float32 on both sides, so differences of ~1e-6 relative are rounding):');
for (const [id, m] of Object.entries(models)) {
  const loss = await m.loss(data);
  const grad = await m.gradient(data, { mask: 'none' });
  for (const p of peers) {
    const peerLoss = p.ready.checks[id]?.loss ?? NaN;
    const rel = maxRelDiff(readF32(`grad-${p.name === 'numpy' ? 'numpy' : 'torch'}-${id}.f32`), grad);
    log(`  ${id} ${p.name.padEnd(8)} R_S ${loss.toFixed(6)} vs ${peerLoss.toFixed(6)}; ∇ max|Δ|/max|∇| ${rel.toExponential(1)}${rel < 1e-3 && Math.abs(peerLoss - loss) < 1e-3 * loss ? '' : '  WARNING: not the same function'}`);
  }
}
const torch = peers.find((p) => p.name === 'pytorch');
if (torch) {
  const hv = await models.W1.hvp(data, v1);
  const rel = maxRelDiff(readF32('hvp-torch-W1.f32'), hv);
  log(`  W1 pytorch H·v max|Δ|/max|H·v| ${rel.toExponential(1)}${rel < 1e-3 ? '' : '  WARNING: not the same HVP'}`);
}

// ---- tasks ----------------------------------------------------------------------------------------

const W1_NAME = 'W1 (784-50-50-10, tanh, p=0.9, MSE, n=10000)';
const W2_NAME = 'W2 (784-1000-10, tanh, p=0.9, MSE, n=10000)';
let trainStep = 0;
const trainTask = (id: 'W1' | 'W2', sizes: number[], name: string): Task => {
  const m = mlp(sizes); // trains on; the models above stay at the initial θ for the other tasks
  return {
    id: `step-${id}`, name: `dropout-GD step ${name}`, flops: stepFlops(sizes, host.n),
    async run(count) {
      await engine.train(m, data, { lr: LR, steps: count, seed: MASK_SEED, startStep: trainStep });
      trainStep += count;
    },
  };
};
const hvpIn = k.fromArray(v1);
let sink: Tensor | null = null;
const masksOut = k.create(64 * models.W1.size);
const hostA = Float32Array.from({ length: GEMM_N * GEMM_N }, (_, i) => Math.sin(i) * 0.5);
const hostB = Float32Array.from({ length: GEMM_N * GEMM_N }, (_, i) => Math.cos(i) * 0.5);
const gemmA = k.fromArray(hostA), gemmB = k.fromArray(hostB);
const gemmC = k.create(GEMM_N * GEMM_N);
// The same product on one thread (its own backend and memory): how the GEMM scales with threads.
const k1 = await createWasmBackend({ threads: 1 });
const gemm1 = [k1.fromArray(hostA), k1.fromArray(hostB), k1.create(GEMM_N * GEMM_N)] as const;
const lastEigen: { values?: Float64Array } = {};
let maskStep = 0;

const TASKS: Task[] = [
  trainTask('W1', W1, W1_NAME),
  trainTask('W2', W2, W2_NAME),
  {
    id: 'hvp-W1', name: `HVP H·v of R_S ${W1_NAME}`,
    async run(count) {
      for (let i = 0; i < count; i++) sink = models.W1.hvpTensor(data, hvpIn, { of: 'loss' });
      await k.read(sink!, 0, 1);
    },
  },
  {
    id: 'lanczos-W1', name: `Lanczos top-10, 40 steps ${W1_NAME}`,
    async run(count) {
      for (let i = 0; i < count; i++) lastEigen.values = (await engine.hessianEigen(models.W1, data, LANCZOS)).values;
    },
  },
  {
    id: 'mask64-W1', name: `64 mask gradients ${W1_NAME}`,
    async run(count) {
      for (let i = 0; i < count; i++) gradientSamples(models.W1, data, 64, MASK_SEED, (maskStep += 64), masksOut);
      await k.read(masksOut, 0, 1);
    },
  },
  {
    id: 'gemm-1024', name: `gemm ${GEMM_N}³`, flops: 2 * GEMM_N ** 3,
    async run(count) {
      for (let i = 0; i < count; i++) k.gemm(gemmA, gemmB, gemmC, { m: GEMM_N, n: GEMM_N, k: GEMM_N });
      await k.read(gemmC, 0, 1);
    },
  },
  {
    id: 'gemm-1024-1t', name: `gemm ${GEMM_N}³, 1 thread`, flops: 2 * GEMM_N ** 3, oneThread: true,
    async run(count) {
      for (let i = 0; i < count; i++) k1.gemm(gemm1[0], gemm1[1], gemm1[2], { m: GEMM_N, n: GEMM_N, k: GEMM_N });
      await k1.read(gemm1[2], 0, 1);
    },
  },
];
/** The ceiling a task's flops are a fraction of. */
const ceilingOf = (task: Task): number => (task.oneThread ? ceiling.one : ceiling.all);

const nativeRows: Row[] = 'error' in native ? [] : [
  { name: 'native AVX2 FMA ceiling, 1 thread', backend: 'native', value: round(native.avx2.one), unit: 'GFLOP/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
  { name: `native AVX2 FMA ceiling, ${native.threads} threads`, backend: 'native', value: round(native.avx2.all), unit: 'GFLOP/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
];
const rows: Row[] = [
  { name: `f32x4 multiply-add ceiling (${ceiling.op}), 1 thread`, backend: 'wasm', value: round(ceiling.one), unit: 'GFLOP/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
  { name: `f32x4 multiply-add ceiling (${ceiling.op}), ${ceiling.threads} threads`, backend: 'wasm', value: round(ceiling.all), unit: 'GFLOP/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
];
interface Measured { task: Task; ms: number; peers: Map<PeerName, number> }
const measured: Measured[] = [];

for (const task of TASKS) {
  if (taskFilter && !taskFilter.includes(task.id)) continue;
  log(`\n${task.name}`);
  const cs: Contender[] = [{ label: 'dropout-sme', run: task.run, count: 1, samples: 0, times: [] }];
  for (const p of peers) {
    if (!p.has(task.id)) continue;
    cs.push({
      label: p.name, count: 1, samples: 0, times: [],
      async run(c) {
        const ms = (await p.run(task.id, c)).reduce((s, x) => s + x, 0);
        // Let the peer's BLAS/OpenMP threads, which spin a while after a call, go to sleep before
        // the next contender's sample (idle time, counted by nobody).
        await new Promise((r) => setTimeout(r, SETTLE_MS));
        return ms;
      },
    });
  }
  for (const c of cs) {
    const per = await warmUp(c.run);
    c.count = Math.max(1, Math.ceil(MIN_SAMPLE / per));
    c.samples = per > 1000 ? (QUICK ? 2 : 5) : QUICK ? 3 : 7;
  }
  const medians = await sampleInterleaved(cs);
  const ms = medians[0]!;
  const peerMs = new Map<PeerName, number>();
  cs.forEach((c, i) => {
    const rate = task.flops ? `  ${(task.flops / medians[i]! / 1e6).toFixed(1).padStart(6)} GFLOP/s` : '';
    const frac = task.flops && i === 0 ? ` = ${((100 * task.flops) / ms / 1e6 / ceilingOf(task)).toFixed(0)} % of the ${task.oneThread ? '1-thread ' : ''}ceiling at the start` : '';
    log(`  ${c.label.padEnd(12)} ${fmtMs(medians[i]!).padStart(9)}${rate}${frac}  (${c.samples} samples × ${c.count}, range ${spread(c.times)})`);
    if (i > 0) peerMs.set(c.label as PeerName, medians[i]!);
  });
  if (task.id === 'lanczos-W1' && lastEigen.values && torch?.ready.checks['lanczos-W1']?.values) {
    const theirs = torch.ready.checks['lanczos-W1'].values!;
    log(`  λ₁…λ₃ dropout-sme ${Array.from(lastEigen.values.slice(0, 3), (x) => x.toPrecision(5)).join(', ')}; pytorch ${theirs.slice(0, 3).map((x) => x.toPrecision(5)).join(', ')} (other start vectors)`);
  }
  measured.push({ task, ms, peers: peerMs });
  const frac = task.flops ? round(task.flops / ms / 1e6 / ceilingOf(task), 3) : undefined;
  const extra = frac === undefined ? {} : { ceiling: frac };
  if (!peerMs.size) rows.push({ name: task.name, backend: 'wasm', value: round(ms), unit: 'ms', peer: 'none', peerValue: round(NaN), ratio: round(NaN), ...extra });
  for (const [peer, pms] of peerMs) {
    rows.push({ name: task.name, backend: 'wasm', value: round(ms), unit: 'ms', peer, peerValue: round(pms), ratio: round(pms / ms, 3), ...extra });
  }
}

for (const p of peers) p.close();
rmSync(dir, { recursive: true, force: true });

// The ceiling again at the end: the best of both is the ceiling (any slower run was disturbed).
const ceilingEnd = await measureCeiling(THREADS);
log(`\nceiling at the end: 1 thread ${ceilingEnd.one.toFixed(1)} GFLOP/s, ${ceilingEnd.threads} threads ${ceilingEnd.all.toFixed(1)} GFLOP/s; the fractions use the better of start and end`);
warnIfCoreBusy(ceilingEnd);
log(`load average after the run: ${loadavg()[0]!.toFixed(2)} (the run itself adds about ${THREADS})`);
ceiling.one = Math.max(ceilingStart.one, ceilingEnd.one);
ceiling.all = Math.max(ceilingStart.all, ceilingEnd.all);
rows[0]!.value = round(ceiling.one);
rows[1]!.value = round(ceiling.all);
for (const m of measured) {
  if (!m.task.flops) continue;
  for (const r of rows) if (r.name === m.task.name) r.ceiling = round(m.task.flops / m.ms / 1e6 / ceilingOf(m.task), 3);
}

if (JSON_OUT) console.log(JSON.stringify([...rows, ...nativeRows]));
else {
  log(`\nSummary (speed-up = peer time ÷ dropout-sme time, > 1: dropout-sme faster; ${THREADS} threads each; same run, samples interleaved):`);
  const goals: Record<string, { peer: PeerName; min: number; text: string }> = {
    'step-W1': { peer: 'numpy', min: 1 / 1.5, text: 'within 1.5× numpy' },
    'step-W2': { peer: 'numpy', min: 1 / 1.5, text: 'within 1.5× numpy' },
    'hvp-W1': { peer: 'pytorch', min: 3, text: '≥ 3× PyTorch' },
    'lanczos-W1': { peer: 'pytorch', min: 3, text: '≥ 3× PyTorch' },
    'mask64-W1': { peer: 'pytorch', min: 3, text: '≥ 3× PyTorch' },
  };
  for (const { task, ms, peers: pm } of measured) {
    const parts = [...pm].map(([peer, pms]) => `${peer} ${fmtMs(pms)} → ${(pms / ms).toFixed(2)}×`);
    const goal = goals[task.id];
    let verdict = '';
    if (goal) {
      const pms = pm.get(goal.peer);
      verdict = pms === undefined ? `  goal ${goal.text}: no ${goal.peer}` : `  goal ${goal.text}: ${pms / ms >= goal.min ? 'met' : 'NOT met'}`;
    }
    if (task.flops) {
      const f = task.flops / ms / 1e6 / ceilingOf(task);
      verdict += `; ${(100 * f).toFixed(0)} % of the ${task.oneThread ? '1-thread ' : ''}ceiling${task.id === 'gemm-1024' ? ` (goal ≥ 70 %: ${f >= 0.7 ? 'met' : 'NOT met'})` : ''}`;
    }
    log(`${task.id.padEnd(12)} dropout-sme ${fmtMs(ms).padStart(9)}  ${parts.join('; ') || 'no peer'}${verdict}`);
  }
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : (null as unknown as number);
}

// The WASM worker threads may keep handles open; a benchmark ends when it is done.
engine.dispose();
k1.destroy();
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
