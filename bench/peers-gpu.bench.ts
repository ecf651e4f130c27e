/**
 * The rows of bench/peers.bench.ts on WebGPU (bench/_peer-work.ts: the W1 and W2 dropout-GD steps,
 * an HVP, top-10 Lanczos, 64 mask gradients, GEMMs), against PyTorch on CUDA where the machine has
 * it and against the device's own ceilings, all in one run:
 *
 *   ceilings     float32 multiply-add throughput and device-memory bandwidth, measured with WGSL
 *                micro-kernels at the start and at the end (bench/_gpu-ceiling.ts; the better of
 *                each is used);
 *   GEMM rows    GFLOP/s as a fraction of the multiply-add ceiling (1024³, 4096³, and the W1
 *                weight gradient 50 × 784 over 10,000 samples, the shape split-K is for);
 *   model rows   time against the memory-and-compute bound of the kernels the task issues, each
 *                charged max(flops / ceiling, bytes / bandwidth) (bench/_kernel-bound.ts), as a
 *                fraction: bound ÷ measured;
 *   split-K      every row but the square GEMMs also runs on a second engine made with
 *                splitK: false (every gemm whole), timed in the same rounds: what split-K buys;
 *   PyTorch      bench/peers/torch_peer.py on the first CUDA device (each call synchronised), the
 *                same work and checks as on the CPU; where torch has no CUDA the bench says so and
 *                goes on.
 *
 * On a software adapter (SwiftShader, lavapipe: a CPU emulation) the rows would describe the
 * emulation, so the bench says so and stops, unless --software (a check that the bench runs, with
 * --tasks to keep it short). Flags: --json, --quick, --software, --tasks=step-W1,gemm-1024,….
 *
 * Rows (--json): backend 'webgpu', value = median ms, peer 'pytorch-cuda' or 'none', ratio = peer
 * ms ÷ dropout-sme ms; `ceiling` (GEMM rows), `bound` (model rows) and `splitKOff` (ms with split-K
 * off) where measured. Two ceiling rows (GFLOP/s, GB/s).
 */
import { createEngine, type Engine } from '../src/engine.js';
import { loadMnistAll } from '../src/data/mnist.js';
import type { Backend } from '../src/backend/backend.js';
import type { WebGPUBackend } from '../src/webgpu/webgpu-backend.js';
import { type Row, JSON_OUT, QUICK, argv, log } from './_common.js';
import { measureGpuCeiling, type GpuCeiling } from './_gpu-ceiling.js';
import { boundMs, tallyKernels, type KernelCall } from './_kernel-bound.js';
import {
  type Contender, type Task, checkPeers, contenderLine, fmtMs, gemmTask, modelTasks, peerContender, peerWork,
  removePeerData, round, startPeers, timeContenders, writePeerData,
} from './_peer-work.js';

const SOFTWARE = argv.includes('--software');
const taskFilter = argv.find((a) => a.startsWith('--tasks='))?.slice(8).split(',');

log('dropout-sme (WebGPU) against PyTorch on CUDA, and against the device\'s ceilings, in one run');
let engine: Engine, whole: Engine;
try {
  engine = await createEngine({ backend: 'webgpu' });
  whole = await createEngine({ backend: 'webgpu', splitK: false });
} catch (err) {
  log(`webgpu: unavailable (${err instanceof Error ? err.message : String(err)}); nothing to measure`);
  if (JSON_OUT) console.log('[]');
  process.exit(0);
}
const info = engine.backendInfo;
log(`webgpu: ${info.description}`);
const software = info.details?.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|basic render/i.test(info.description);
if (software && !SOFTWARE) {
  log('  a software adapter (a CPU emulation): its rows would not be GPU numbers; stopping (--software runs them anyway)');
  if (JSON_OUT) console.log('[]');
  engine.dispose();
  whole.dispose();
  process.exit(0);
}
if (software) log('  a software adapter: these rows describe the emulation, not a GPU (--software)');
const device = (engine.kernels as WebGPUBackend).device;

const ceilingStart = await measureGpuCeiling(device, software, QUICK);
log(`\nceilings at the start (${ceilingStart.detail}):`);
log(`  float32 multiply-add ${ceilingStart.gflops.toFixed(0).padStart(8)} GFLOP/s`);
log(`  memory copy          ${ceilingStart.gbps.toFixed(0).padStart(8)} GB/s (read + written)`);
const ceiling: GpuCeiling = { ...ceilingStart };

const host = await loadMnistAll();
const work = peerWork(engine, host), workWhole = peerWork(whole, host);
const dir = await writePeerData(work);
const peers = await startPeers(['pytorch'], dir, 1, 'cuda');
await checkPeers(work, peers, dir);

/** The W1 layer-0 weight gradient: C (50 × 784) = δᵀ·x over the 10,000 samples, the shape split-K serves. */
function wgradTask(k: Backend): Task {
  const m = 50, n = 784, kk = host.n;
  const d = k.fromArray(Float32Array.from({ length: kk * m }, (_, i) => Math.sin(i) * 0.01));
  const x = k.fromArray(host.x), c = k.create(m * n);
  return {
    id: 'gemm-wgrad-W1', name: `gemm W1 weight gradient δᵀ·x (${m} × ${n} over k = ${kk})`, flops: 2 * m * n * kk,
    async run(count) {
      for (let i = 0; i < count; i++) k.gemm(d, x, c, { m, n, k: kk, transA: true });
      await k.read(c, 0, 1);
    },
  };
}

/** A GEMM row (its fraction is of the FMA ceiling); the others are model rows (fraction of their kernels' bound). */
const isGemm = (t: Task): boolean => t.id.startsWith('gemm-');

/** Each task with its twin on the split-K-off engine (null: the plan is the same, no twin). */
const twins = modelTasks(workWhole);
const TASKS: Array<[Task, Task | null]> = [
  ...modelTasks(work).map((t, i) => [t, twins[i]!] as [Task, Task]),
  [wgradTask(engine.kernels), wgradTask(whole.kernels)],
  [gemmTask(engine.kernels, 1024), null],
  [gemmTask(engine.kernels, 4096), null],
];

interface Measured { task: Task; ms: number; wholeMs: number | null; peerMs: number | null; calls: KernelCall[] | null }
const measured: Measured[] = [];
for (const [task, twin] of TASKS) {
  if (taskFilter && !taskFilter.includes(task.id)) continue;
  log(`\n${task.name}`);
  const cs: Contender[] = [{ label: 'dropout-sme', run: task.run, count: 1, samples: 0, times: [] }];
  if (twin) cs.push({ label: 'no split-K', run: twin.run, count: 1, samples: 0, times: [] });
  const torch = peers.find((p) => p.has(task.id));
  if (torch) cs.push(peerContender(torch, task, 'pytorch-cuda'));
  const medians = await timeContenders(cs);
  const ms = medians[0]!;
  // A model task's bound: one more call with its kernels tallied (a GEMM row's is its flops alone).
  const calls = isGemm(task) ? null : await tallyKernels(engine.kernels, () => task.run(1));
  cs.forEach((c, i) => {
    const bound = calls && boundMs(calls, ceilingStart.gflops, ceilingStart.gbps);
    const note = i > 0 ? '' : bound ? `  bound ${fmtMs(bound)} = ${((100 * bound) / ms).toFixed(0)} % of it (${calls!.length} kernels)` : ` = ${((100 * task.flops!) / ms / 1e6 / ceilingStart.gflops).toFixed(0)} % of the FMA ceiling`;
    log(contenderLine(c, medians[i]!, task, i === 0 ? `${note} at the start's ceilings` : ''));
  });
  measured.push({ task, ms, wholeMs: twin ? medians[1]! : null, peerMs: torch ? medians[cs.length - 1]! : null, calls });
}
for (const p of peers) p.close();
removePeerData(dir);

const ceilingEnd = await measureGpuCeiling(device, software, QUICK);
log(`\nceilings at the end: ${ceilingEnd.gflops.toFixed(0)} GFLOP/s, ${ceilingEnd.gbps.toFixed(0)} GB/s; the fractions use the better of start and end`);
ceiling.gflops = Math.max(ceilingStart.gflops, ceilingEnd.gflops);
ceiling.gbps = Math.max(ceilingStart.gbps, ceilingEnd.gbps);

const rows: Row[] = [
  { name: 'WebGPU float32 multiply-add ceiling', backend: 'webgpu', value: round(ceiling.gflops), unit: 'GFLOP/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
  { name: 'WebGPU memory copy ceiling', backend: 'webgpu', value: round(ceiling.gbps), unit: 'GB/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) },
];
log(`\nSummary (speed-up = peer time ÷ dropout-sme time; split-K gain = time without ÷ time with):`);
for (const m of measured) {
  const gemmFrac = m.calls === null ? m.task.flops! / m.ms / 1e6 / ceiling.gflops : null;
  const boundFrac = m.calls === null ? null : boundMs(m.calls, ceiling.gflops, ceiling.gbps) / m.ms;
  rows.push({
    name: m.task.name, backend: 'webgpu', value: round(m.ms), unit: 'ms',
    peer: m.peerMs === null ? 'none' : 'pytorch-cuda', peerValue: round(m.peerMs ?? NaN), ratio: round(m.peerMs === null ? NaN : m.peerMs / m.ms, 3),
    ...(gemmFrac === null ? {} : { ceiling: round(gemmFrac, 3) }),
    ...(boundFrac === null ? {} : { bound: round(boundFrac, 3) }),
    ...(m.wholeMs === null ? {} : { splitKOff: round(m.wholeMs) }),
  });
  const parts = [
    m.peerMs === null ? 'no CUDA peer' : `pytorch-cuda ${fmtMs(m.peerMs)} → ${(m.peerMs / m.ms).toFixed(2)}×`,
    ...(m.wholeMs === null ? [] : [`split-K gain ${(m.wholeMs / m.ms).toFixed(2)}× (without: ${fmtMs(m.wholeMs)})`]),
    ...(gemmFrac === null ? [] : [`${(100 * gemmFrac).toFixed(0)} % of the FMA ceiling`]),
    ...(boundFrac === null ? [] : [`${(100 * boundFrac).toFixed(0)} % of the kernels' bound`]),
  ];
  log(`${m.task.id.padEnd(14)} dropout-sme ${fmtMs(m.ms).padStart(9)}  ${parts.join('; ')}`);
}
if (JSON_OUT) console.log(JSON.stringify(rows));

engine.dispose();
whole.dispose();
process.exit(0);
