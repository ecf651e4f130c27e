/**
 * The work bench/peers.bench.ts (WASM) and bench/peers-gpu.bench.ts (WebGPU) time against the
 * native peers, written once over an Engine: the W1 and W2 models at their initial θ, the data the
 * peers read (bench/peers/_common.py), the checks that both sides compute the same function, the
 * tasks, and the loop that times a task's contenders side by side. Not a bench entry ('_' prefix).
 *
 * Tasks (SPEC §7: W1 784-50-50-10, W2 784-1000-10, tanh, keep p = 0.9 on every hidden layer,
 * biases, MSE 1/(2n) Σ‖f − y‖² on one-hot targets, all 10,000 embedded MNIST digits, lr 0.05):
 *   step-W1/W2   one full-batch dropout-GD step (a fresh mask row η = B/p per hidden layer per
 *                step, shared by the batch): engine.train;
 *   hvp-W1       one H·v of R_S at the initial θ: model.hvpTensor (exact R-operator);
 *   lanczos-W1   top-10 Hessian eigenpairs, 40 Lanczos steps with full reorthogonalisation:
 *                engine.hessianEigen;
 *   mask64-W1    64 mask gradients ∇R_S^drop(θ; η_j) at the initial θ for the noise factor
 *                (SPEC §3): the batched pass (gradientSamples, as engine.noiseFactor calls it);
 *   gemm-N       C = A·B, N³, float32: backend.gemm.
 * Every dropout-sme call ends with a read of a result, so the work has finished when it resolves.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine } from '../src/engine.js';
import type { Backend, Tensor } from '../src/backend/backend.js';
import type { HostDataset } from '../src/data/dataset-types.js';
import type { DeviceDataset } from '../src/model/dataset.js';
import type { Mlp } from '../src/model/mlp.js';
import { rademacher } from '../src/curvature/lanczos.js';
import { gradientSamples } from '../src/noise/noise-factor.js';
import { type Timed, QUICK, log, now, sampleInterleaved, spread, stepFlops } from './_common.js';
import { startPeer, type Peer, type PeerName } from './_peers.js';

export const KEEP = 0.9;
export const LR = 0.05;
const INIT_SEED = 7;
const MASK_SEED = 11;
export const W1 = [784, 50, 50, 10];
export const W2 = [784, 1000, 10];
const LANCZOS = { k: 10, steps: 40, maxSteps: 40, which: 'LA' as const, seed: 3 };
const WARM = QUICK ? 300 : 1000;
const MIN_SAMPLE = QUICK ? 200 : 500;
/** Idle gap after each peer sample (OpenBLAS' helper threads spin up to about 0.1 s after a call). */
const SETTLE_MS = 200;
export const W1_NAME = 'W1 (784-50-50-10, tanh, p=0.9, MSE, n=10000)';
export const W2_NAME = 'W2 (784-1000-10, tanh, p=0.9, MSE, n=10000)';

export interface Task {
  id: string;
  name: string;
  /** Flops of one call, for the ceiling fraction (GEMM and training rows only). */
  flops?: number;
  /** Runs on one thread: its fraction is of the 1-thread ceiling (default: all threads). */
  oneThread?: boolean;
  /**
   * `flops` counts dense products (a training step's, as train.bench counts them), while the WASM
   * gemm skips the data's zero steps: the rate may pass the ceiling, and the bench says so.
   */
  denseFlops?: boolean;
  /** dropout-sme's side: `count` calls, finished when it resolves. */
  run(count: number): Promise<void>;
}

export interface Contender extends Timed {
  label: string;
}

/** The models and data of the peer tasks on one engine. */
export interface PeerWork {
  engine: Engine;
  host: HostDataset;
  data: DeviceDataset;
  models: { W1: Mlp; W2: Mlp };
  /** The HVP direction (Rademacher / √D), on the host and on the device. */
  v1: Float32Array;
  v1Tensor: Tensor;
  /** The eigenvalues of the last Lanczos task run, for the check against PyTorch's. */
  lastEigen: { values?: Float64Array };
}

const mlp = (engine: Engine, sizes: number[]): Mlp => engine.mlp({ sizes, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });

export function peerWork(engine: Engine, host: HostDataset): PeerWork {
  const data = engine.dataset(host);
  const models = { W1: mlp(engine, W1), W2: mlp(engine, W2) };
  const v1 = rademacher(models.W1.size, 1, 0x6e7c, 0);
  return { engine, host, data, models, v1, v1Tensor: engine.kernels.fromArray(v1), lastEigen: {} };
}

/** Writes what the peers read (bench/peers/_common.py) into a new temporary directory. */
export async function writePeerData(w: PeerWork): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'dropout-sme-peers-'));
  writeFileSync(join(dir, 'meta.json'), JSON.stringify({ n: w.host.n, in_dim: w.host.inDim, out_dim: w.host.outDim, keep: KEEP, lr: LR, workloads: { W1, W2 } }));
  writeFileSync(join(dir, 'x.f32'), w.host.x);
  writeFileSync(join(dir, 'y.f32'), w.host.y);
  writeFileSync(join(dir, 'v-W1.f32'), w.v1);
  for (const [id, m] of Object.entries(w.models)) writeFileSync(join(dir, `theta-${id}.f32`), await m.getParams());
  return dir;
}

export const removePeerData = (dir: string): void => rmSync(dir, { recursive: true, force: true });

/** Starts each named peer on `dir`, saying which it could not find; `device` is PyTorch's ('cpu' or 'cuda'). */
export async function startPeers(names: PeerName[], dir: string, threads: number, device: 'cpu' | 'cuda' = 'cpu'): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const name of names) {
    const p = await startPeer(name, dir, threads, device);
    const label = name === 'pytorch' && device === 'cuda' ? 'pytorch (CUDA)' : name;
    if ('error' in p) {
      log(`${label}: not found (${p.error}); going on without it`);
      continue;
    }
    peers.push(p);
    const blas = device === 'cuda' ? `device ${p.ready.device ?? 'cuda'}` : p.blasCore ? `OpenBLAS, kernel ${p.blasCore}` : 'no OpenBLAS kernel reported: a reference BLAS? ratios against it say nothing (install libopenblas0-pthread)';
    log(`${label}: ${p.ready.version} (${p.python}; ${blas}; ${p.ready.threads} threads${p.unset.length ? `; unset for it: ${p.unset.join(', ')}` : ''})`);
    for (const [task, why] of Object.entries(p.ready.skipped)) log(`  ${task}: none (${why})`);
  }
  return peers;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / (den || 1);
}

/** Compares the peers' loss, gradient (no dropout) and H·v at the initial θ with dropout-sme's, and says so. */
export async function checkPeers(w: PeerWork, peers: Peer[], dir: string): Promise<void> {
  const readF32 = (file: string): Float32Array => {
    const b = readFileSync(join(dir, file));
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
  };
  log('\nchecks (no dropout, initial θ; float32 on both sides, so differences of ~1e-6 relative are rounding):');
  for (const [id, m] of Object.entries(w.models)) {
    const loss = await m.loss(w.data);
    const grad = await m.gradient(w.data, { mask: 'none' });
    for (const p of peers) {
      const peerLoss = p.ready.checks[id]?.loss ?? NaN;
      const rel = maxRelDiff(readF32(`grad-${p.name === 'numpy' ? 'numpy' : 'torch'}-${id}.f32`), grad);
      log(`  ${id} ${p.name.padEnd(8)} R_S ${loss.toFixed(6)} vs ${peerLoss.toFixed(6)}; ∇ max|Δ|/max|∇| ${rel.toExponential(1)}${rel < 1e-3 && Math.abs(peerLoss - loss) < 1e-3 * loss ? '' : '  WARNING: not the same function'}`);
    }
  }
  const torch = peers.find((p) => p.name === 'pytorch');
  if (torch) {
    const hv = await w.models.W1.hvp(w.data, w.v1);
    const rel = maxRelDiff(readF32('hvp-torch-W1.f32'), hv);
    log(`  W1 pytorch H·v max|Δ|/max|H·v| ${rel.toExponential(1)}${rel < 1e-3 ? '' : '  WARNING: not the same HVP'}`);
  }
}

/** The five model tasks on `w`'s engine (training tasks train their own copies; the others stay at θ₀). */
export function modelTasks(w: PeerWork): Task[] {
  const { engine, data, models } = w, k = engine.kernels;
  let trainStep = 0, maskStep = 0, sink: Tensor | null = null;
  const masksOut = k.create(64 * models.W1.size);
  const trainTask = (id: 'W1' | 'W2', sizes: number[], name: string): Task => {
    const m = mlp(engine, sizes);
    return {
      id: `step-${id}`, name: `dropout-GD step ${name}`, flops: stepFlops(sizes, w.host.n), denseFlops: true,
      async run(count) {
        await engine.train(m, data, { lr: LR, steps: count, seed: MASK_SEED, startStep: trainStep });
        trainStep += count;
      },
    };
  };
  return [
    trainTask('W1', W1, W1_NAME),
    trainTask('W2', W2, W2_NAME),
    {
      id: 'hvp-W1', name: `HVP H·v of R_S ${W1_NAME}`,
      async run(count) {
        for (let i = 0; i < count; i++) sink = models.W1.hvpTensor(data, w.v1Tensor, { of: 'loss' });
        await k.read(sink!, 0, 1);
      },
    },
    {
      id: 'lanczos-W1', name: `Lanczos top-10, 40 steps ${W1_NAME}`,
      async run(count) {
        for (let i = 0; i < count; i++) w.lastEigen.values = (await engine.hessianEigen(models.W1, data, LANCZOS)).values;
      },
    },
    {
      id: 'mask64-W1', name: `64 mask gradients ${W1_NAME}`,
      async run(count) {
        for (let i = 0; i < count; i++) gradientSamples(models.W1, data, 64, MASK_SEED, (maskStep += 64), masksOut);
        await k.read(masksOut, 0, 1);
      },
    },
  ];
}

/** C = A·B, n³ on backend `k` (A, B fixed values in [−0.5, 0.5]). */
export function gemmTask(k: Backend, n: number, id = `gemm-${n}`, name = `gemm ${n}³`, oneThread = false): Task {
  const a = k.fromArray(Float32Array.from({ length: n * n }, (_, i) => Math.sin(i) * 0.5));
  const b = k.fromArray(Float32Array.from({ length: n * n }, (_, i) => Math.cos(i) * 0.5));
  const c = k.create(n * n);
  return {
    id, name, flops: 2 * n ** 3, oneThread,
    async run(count) {
      for (let i = 0; i < count; i++) k.gemm(a, b, c, { m: n, n, k: n });
      await k.read(c, 0, 1);
    },
  };
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

export const fmtMs = (ms: number): string => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);

/** A peer's side of `task` as a contender (its own timing, then a settling gap). */
export function peerContender(p: Peer, task: Task, label: string = p.name): Contender {
  return {
    label, count: 1, samples: 0, times: [],
    async run(c) {
      const ms = (await p.run(task.id, c)).reduce((s, x) => s + x, 0);
      // Let the peer's BLAS/OpenMP threads, which spin a while after a call, go to sleep before
      // the next contender's sample (idle time, counted by nobody).
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      return ms;
    },
  };
}

/**
 * Times the contenders: each warms up (calls until WARM ms, at least 2; 1 where a call takes over
 * a second), then samples of ≥ MIN_SAMPLE ms are taken round-robin, the order rotating each round,
 * so a change of machine load hits each alike. Returns each one's median ms per call.
 */
export async function timeContenders(cs: Contender[]): Promise<number[]> {
  for (const c of cs) {
    const per = await warmUp(c.run);
    c.count = Math.max(1, Math.ceil(MIN_SAMPLE / per));
    c.samples = per > 1000 ? (QUICK ? 2 : 5) : QUICK ? 3 : 7;
  }
  return await sampleInterleaved(cs);
}

/** One contender's line: median, GFLOP/s where the task has flops, a note, and the samples' range. */
export function contenderLine(c: Contender, ms: number, task: Task, note = ''): string {
  const rate = task.flops ? `  ${(task.flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s` : '';
  return `  ${c.label.padEnd(12)} ${fmtMs(ms).padStart(9)}${rate}${note}  (${c.samples} samples × ${c.count}, range ${spread(c.times)})`;
}

export function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : (null as unknown as number);
}
