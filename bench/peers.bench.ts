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
 * The tasks, the peers' data and checks, and the timing loop are bench/_peer-work.ts's, shared
 * with bench/peers-gpu.bench.ts (the same rows on WebGPU).
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
 * train.bench counts them, dense: the gemm skips the data's zero steps, so this may pass 1) as a fraction of the all-thread ceiling (gemm-1024-1t: of the 1-thread one). The ceiling rows have value in
 * GFLOP/s and peer 'none'.
 *
 * Run: node scripts/bench.mjs [--json] [--quick] [--threads=N] (npm run bench builds first), or
 * node build/bench/peers.bench.js [--json] [--quick] [--threads=N] [--tasks=step-W1,gemm-1024].
 */
import { loadavg } from 'node:os';
import { createEngine, type Engine } from '../src/engine.js';
import { loadMnistAll } from '../src/data/mnist.js';
import { hardwareThreads } from '../src/wasm/threads.js';
import { createWasmBackend } from '../src/wasm/wasm-backend.js';
import { type Row, JSON_OUT, argv, log } from './_common.js';
import { measureCeiling, measureNativeCeiling } from './_ceiling.js';
import type { PeerName } from './_peers.js';
import {
  type Contender, type Task, checkPeers, contenderLine, fmtMs, gemmTask, modelTasks, peerContender, peerWork,
  removePeerData, round, startPeers, timeContenders, writePeerData,
} from './_peer-work.js';

const GEMM_N = 1024;

const threadsArg = argv.find((a) => a.startsWith('--threads='))?.slice(10);
const THREADS = threadsArg === undefined ? await hardwareThreads() : Number(threadsArg);
if (!Number.isInteger(THREADS) || THREADS < 1) throw new Error(`--threads: expected a positive integer, got ${threadsArg}`);
const taskFilter = argv.find((a) => a.startsWith('--tasks='))?.slice(8).split(',');

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
const work = peerWork(engine, host);
const dir = await writePeerData(work);
const peers = await startPeers(['numpy', 'pytorch'], dir, THREADS);
const torch = peers.find((p) => p.name === 'pytorch');

// ---- same function on both sides ------------------------------------------------------------------

await checkPeers(work, peers, dir);

// ---- tasks ----------------------------------------------------------------------------------------

// The same product on one thread (its own backend and memory): how the GEMM scales with threads.
const k1 = await createWasmBackend({ threads: 1 });
const TASKS: Task[] = [
  ...modelTasks(work),
  gemmTask(engine.kernels, GEMM_N),
  gemmTask(k1, GEMM_N, `gemm-${GEMM_N}-1t`, `gemm ${GEMM_N}³, 1 thread`, true),
];
/**
 * A training step's flops are counted as dense products (as train.bench counts them), but the WASM
 * gemm skips the k steps where the data are zero (assembly/gemm.ts), so the fraction can pass 100 %.
 */
const DENSE_NOTE = ' (dense flops; the zero steps of the data are skipped)';
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
  for (const p of peers) if (p.has(task.id)) cs.push(peerContender(p, task));
  const medians = await timeContenders(cs);
  const ms = medians[0]!;
  const peerMs = new Map<PeerName, number>();
  cs.forEach((c, i) => {
    const frac = task.flops && i === 0 ? ` = ${((100 * task.flops) / ms / 1e6 / ceilingOf(task)).toFixed(0)} % of the ${task.oneThread ? '1-thread ' : ''}ceiling at the start${task.denseFlops ? DENSE_NOTE : ''}` : '';
    log(contenderLine(c, medians[i]!, task, frac));
    if (i > 0) peerMs.set(c.label as PeerName, medians[i]!);
  });
  if (task.id === 'lanczos-W1' && work.lastEigen.values && torch?.ready.checks['lanczos-W1']?.values) {
    const theirs = torch.ready.checks['lanczos-W1'].values!;
    log(`  λ₁…λ₃ dropout-sme ${Array.from(work.lastEigen.values.slice(0, 3), (x) => x.toPrecision(5)).join(', ')}; pytorch ${theirs.slice(0, 3).map((x) => x.toPrecision(5)).join(', ')} (other start vectors)`);
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
removePeerData(dir);

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
      verdict += `; ${(100 * f).toFixed(0)} % of the ${task.oneThread ? '1-thread ' : ''}ceiling${task.denseFlops ? ' in dense flops' : ''}${task.id === 'gemm-1024' ? ` (goal ≥ 70 %: ${f >= 0.7 ? 'met' : 'NOT met'})` : ''}`;
    }
    log(`${task.id.padEnd(12)} dropout-sme ${fmtMs(ms).padStart(9)}  ${parts.join('; ') || 'no peer'}${verdict}`);
  }
}

// The WASM worker threads may keep handles open; a benchmark ends when it is done.
engine.dispose();
k1.destroy();
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
