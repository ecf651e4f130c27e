/**
 * Dropout GD training speed (steps per second, higher is better) on docs/math.md §7's full-batch workloads,
 * for every available backend, against the peer @tensorflow/tfjs-core + tfjs-backend-wasm (XNNPACK)
 * doing the same training, all measured in the same run and reported as ratios:
 *
 *   W1: MLP 784-50-50-10, tanh, keep p = 0.9 on both hidden layers;
 *   W2: two-layer 784-1000-10, tanh, keep p = 0.9;
 *   both with biases, MSE R_S = 1/(2n) Σ‖f − y‖² on one-hot targets, and full batch: all 10,000
 *   digits of the embedded MNIST subset as one batch (loadMnistAll(), n = 10,000; no split).
 *
 * One step (both sides): forward with tanh, a fresh dropout mask per step on every hidden layer's
 * output (one mask row per step shared by the batch, docs/math.md §1 and dropout-sme's default; the peer
 * uses tf.dropout with noiseShape [1, width], i.e. a Bernoulli(p)/p row broadcast over the batch),
 * the MSE loss, the gradient of every weight and bias, and θ ← θ − ε∇ with ε = LR (dropout-sme:
 * engine.train; peer: tf.train.sgd(LR).minimize, i.e. tf.variableGrads + the SGD update). The peer
 * starts from dropout-sme's initial parameters (transposed to tfjs' [in, out] layout), and a check
 * before timing compares the two sides' loss and gradient without dropout, so both compute the
 * same function.
 *
 * Timing: each contender (the peer and every backend) warms up (at least 2 calls and WARM ms),
 * then samples of several steps each are taken round-robin across the contenders, so a change in
 * machine load hits all of them alike; the median time per step is reported. A dropout-sme sample
 * is one engine.train(…, { steps }) call, which resolves after reading the per-step losses back,
 * so queued (GPU) work is finished. A peer sample runs its steps, then awaits the last loss's
 * data and disposes every returned tensor (the wasm backend computes synchronously inside each op
 * anyway). A backend whose step is predicted, from its time on the previous workload scaled by
 * the flop count, to take longer than CAP_MS (20 s with --quick, else 60 s: WebGPU on a software
 * adapter such as SwiftShader takes about two minutes a W2 step) is skipped with a note, unless
 * --no-cap (pass it to build/bench/train.bench.js directly).
 *
 * Backends: 'wasm' (threads 'auto': both cores where shared memory allows), 'wasm-1thread' (the
 * peer's tfjs-wasm build in Node is single-threaded, so this is the like-for-like row) and
 * 'webgpu' when an adapter exists (otherwise "webgpu: unavailable (reason)").
 *
 * Run: node scripts/bench.mjs [--json] [--quick] (builds with `npm run bench`). Runs in Node.
 * --json prints only a JSON array of {name, backend, value, unit, peer, peerValue, ratio}.
 */
import { createEngine, type Engine, type EngineOptions } from '../src/engine.js';
import { loadMnistAll } from '../src/data/mnist.js';
import type { HostDataset } from '../src/data/dataset-types.js';
import type { Mlp } from '../src/model/mlp.js';
import type { MlpLayout } from '../src/model/layout.js';
import { loadTfjs, type Tf } from './_tfjs.js';
import { type Row, JSON_OUT, NO_CAP, QUICK, log, stepFlops } from './_common.js';

interface Workload {
  id: string;
  name: string;
  sizes: number[];
}

const WORKLOADS: Workload[] = [
  { id: 'W1', name: 'dropout GD W1 (784-50-50-10, n=10000)', sizes: [784, 50, 50, 10] },
  { id: 'W2', name: 'dropout GD W2 (784-1000-10, n=10000)', sizes: [784, 1000, 10] },
];
const KEEP = 0.9;
const LR = 0.05;
const INIT_SEED = 7;
const MASK_SEED = 11;
const PEER = 'tfjs-backend-wasm';
const WARM = QUICK ? 300 : 1000;
const MIN_SAMPLE = QUICK ? 150 : 500;
/** A backend whose step is predicted (from its previous workload) to take longer is skipped. */
const CAP_MS = (QUICK ? 20 : 60) * 1000;

const now = (): number => performance.now();

/** One thing being timed: dropout-sme on one backend, or the peer. */
interface Contender {
  label: string;
  /** Performs `steps` training steps; resolves when they have really finished. */
  run(steps: number): Promise<void>;
  /** Filled by warm-up: steps per sample and samples. */
  steps?: number;
  samples?: number;
  times: number[];
}

/** Warm-up: at least 2 calls and WARM ms (V8 tiers the code up); returns ms per step. */
async function warmUp(c: Contender): Promise<number> {
  const t0 = now();
  let calls = 0;
  while (calls < 2 || now() - t0 < WARM) {
    await c.run(1);
    calls++;
  }
  const perStep = (now() - t0) / calls;
  // Several steps a sample; a single step only where one lasts seconds (WebGPU on a software GPU).
  c.steps = Math.max(perStep > 2000 ? 1 : 2, Math.ceil(MIN_SAMPLE / perStep));
  c.samples = perStep > 1000 ? 3 : QUICK ? 5 : 9;
  return perStep;
}

/**
 * Samples taken round-robin (peer, wasm, wasm-1thread, …, then again, the order rotating each
 * round), so a change in machine load during the run hits every contender alike rather than
 * whichever happened to run then. Returns the median ms per step of each.
 */
async function sampleInterleaved(cs: Contender[]): Promise<number[]> {
  const rounds = Math.max(...cs.map((c) => c.samples!));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cs.length; j++) {
      const c = cs[(r + j) % cs.length]!;
      if (c.times.length >= c.samples!) continue;
      const t0 = now();
      await c.run(c.steps!);
      c.times.push((now() - t0) / c.steps!);
    }
  }
  return cs.map((c) => {
    const t = [...c.times].sort((a, b) => a - b);
    return t[t.length >> 1]!;
  });
}

const fmt = (ms: number): string => `${(1000 / ms).toFixed(2)} steps/s (${ms.toFixed(1)} ms/step)`;

// ---- dropout-sme --------------------------------------------------------------------------------

/** A dropout-sme contender on `engine` for workload w; `close` frees its model and data. */
function engineContender(label: string, engine: Engine, host: HostDataset, w: Workload): Contender & { close(): void; info(): string } {
  const model = engine.mlp({ sizes: w.sizes, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });
  const data = engine.dataset(host);
  let step = 0;
  let last = NaN;
  return {
    label, times: [],
    async run(steps) {
      const res = await engine.train(model, data, { lr: LR, steps, seed: MASK_SEED, startStep: step });
      step += steps;
      last = res.losses[res.losses.length - 1]!;
    },
    info: () => `${step} steps in all, last dropout loss ${last.toFixed(4)}`,
    close() {
      model.dispose();
      data.dispose();
    },
  };
}

// ---- the peer: the same training in tfjs-core + tfjs-backend-wasm ----------------------------------

type TfTensor = ReturnType<Tf['tensor']>;
type TfVariable = ReturnType<Tf['variable']>;

/** dropout-sme's flat θ (per layer W out×in row-major, then b) as tfjs variables W [in, out], b [out]. */
function peerVariables(tf: Tf, layout: MlpLayout, theta: Float32Array, tag: string): TfVariable[] {
  const vars: TfVariable[] = [];
  layout.layers.forEach((L, l) => {
    const wt = new Float32Array(L.inDim * L.outDim);
    for (let o = 0; o < L.outDim; o++) {
      for (let i = 0; i < L.inDim; i++) wt[i * L.outDim + o] = theta[L.wOffset + o * L.inDim + i]!;
    }
    vars.push(tf.variable(tf.tensor2d(wt, [L.inDim, L.outDim]), true, `${tag}_W${l}`));
    vars.push(tf.variable(tf.tensor1d(theta.slice(L.bOffset, L.bOffset + L.outDim)), true, `${tag}_b${l}`));
  });
  return vars;
}

/** The peer's R_S^drop (or R_S with dropout false): forward, dropout on hidden layers, MSE / (2n). */
function peerLoss(tf: Tf, vars: TfVariable[], x: TfTensor, y: TfTensor, n: number, dropout: boolean): TfTensor {
  const layers = vars.length / 2;
  let h = x;
  for (let l = 0; l < layers; l++) {
    const pre = tf.add(tf.matMul(h, vars[2 * l]!), vars[2 * l + 1]!);
    if (l === layers - 1) {
      h = pre;
      break;
    }
    h = tf.tanh(pre);
    if (dropout) h = tf.dropout(h, 1 - KEEP, [1, h.shape[1]!]);
  }
  return tf.div(tf.sum(tf.square(tf.sub(h, y))), 2 * n);
}

/** The peer's gradient without dropout, in dropout-sme's flat layout. */
function peerGradient(tf: Tf, layout: MlpLayout, vars: TfVariable[], x: TfTensor, y: TfTensor, n: number): { loss: number; grad: Float32Array } {
  const { value, grads } = tf.variableGrads(() => peerLoss(tf, vars, x, y, n, false) as ReturnType<Tf['scalar']>, vars);
  const grad = new Float32Array(layout.size);
  layout.layers.forEach((L, l) => {
    const gw = grads[vars[2 * l]!.name]!.dataSync() as Float32Array;
    const gb = grads[vars[2 * l + 1]!.name]!.dataSync() as Float32Array;
    for (let o = 0; o < L.outDim; o++) {
      for (let i = 0; i < L.inDim; i++) grad[L.wOffset + o * L.inDim + i] = gw[i * L.outDim + o]!;
    }
    grad.set(gb, L.bOffset);
  });
  const loss = (value.dataSync() as Float32Array)[0]!;
  value.dispose();
  for (const g of Object.values(grads)) g.dispose();
  return { loss, grad };
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i]! - b[i]!));
    den = Math.max(den, Math.abs(b[i]!));
  }
  return num / (den || 1);
}

/**
 * The peer as a contender for workload w, from dropout-sme's initial θ (taken from `ref`, a model
 * of the same sizes and seed); first checks its loss and gradient without dropout against `ref`'s.
 */
async function peerContender(tf: Tf, host: HostDataset, w: Workload, ref: { model: Mlp; engine: Engine }): Promise<Contender & { close(): void; info(): string }> {
  const n = host.n;
  const x = tf.tensor2d(host.x, [n, host.inDim]);
  const y = tf.tensor2d(host.y, [n, host.outDim]);
  const layout = ref.model.layout;
  const vars = peerVariables(tf, layout, await ref.model.getParams(), `${w.id}_${Math.random().toString(36).slice(2, 8)}`);
  const opt = tf.train.sgd(LR);
  const close = (): void => {
    opt.dispose();
    for (const v of vars) v.dispose();
    x.dispose();
    y.dispose();
  };
  // Same function on both sides: loss and gradient at the initial θ, no dropout.
  const refData = ref.engine.dataset(host);
  try {
    const refLoss = await ref.model.loss(refData);
    const refGrad = await ref.model.gradient(refData, { mask: 'none' });
    const peer = peerGradient(tf, layout, vars, x, y, n);
    const lossRel = Math.abs(peer.loss - refLoss) / Math.abs(refLoss);
    const gradRel = maxRelDiff(peer.grad, refGrad);
    log(`  check ${w.id} (no dropout, initial θ): R_S ${refLoss.toFixed(6)} vs peer ${peer.loss.toFixed(6)} (rel ${lossRel.toExponential(1)}); ∇ max|Δ|/max|∇| ${gradRel.toExponential(1)}`);
    if (!(lossRel < 1e-3 && gradRel < 1e-3)) log(`  WARNING: the peer does not compute the same ${w.id} loss/gradient; its timing is not comparable`);
  } catch (err) {
    close();
    throw err;
  } finally {
    refData.dispose();
  }
  const before = tf.memory().numTensors;
  let last = NaN;
  let total = 0;
  return {
    label: 'tfjs-wasm', times: [],
    async run(steps) {
      const costs: TfTensor[] = [];
      for (let i = 0; i < steps; i++) {
        costs.push(opt.minimize(() => peerLoss(tf, vars, x, y, n, true) as ReturnType<Tf['scalar']>, true, vars)!);
      }
      last = ((await costs[costs.length - 1]!.data()) as Float32Array)[0]!;
      for (const c of costs) c.dispose();
      total += steps;
    },
    info: () => {
      const leaked = tf.memory().numTensors - before;
      return `${total} steps in all, last dropout loss ${last.toFixed(4)}${leaked > 0 ? `; ${leaked} tensors leaked` : ''}`;
    },
    close,
  };
}

// ---- main ---------------------------------------------------------------------------------------

log('Dropout GD training benchmark (steps/s, median of several samples; higher is better)');
log(`keep p = ${KEEP}, lr ε = ${LR}, tanh, MSE, biases; full batch: all 10,000 embedded MNIST digits (loadMnistAll)`);
const host = await loadMnistAll();

const tfjs = await loadTfjs({ withGradients: true });
if ('error' in tfjs) log(`${PEER}: unavailable (${tfjs.error})`);
else log(`peer: ${tfjs.label}`);

const configs: Array<[string, EngineOptions]> = [
  ['wasm', { backend: 'wasm' }],
  ['wasm-1thread', { backend: 'wasm', threads: 1 }],
  ['webgpu', { backend: 'webgpu' }],
];
const engines: Array<{ label: string; engine: Engine }> = [];
for (const [label, opts] of configs) {
  try {
    const engine = await createEngine(opts);
    engines.push({ label, engine });
    log(`${label}: ${engine.backendInfo.description}`);
  } catch (err) {
    log(`${label}: unavailable (${err instanceof Error ? err.message : String(err)})`);
  }
}

const peer = new Map<string, number>();
const results = new Map<string, Map<string, number>>(engines.map((e) => [e.label, new Map()]));
/** Per backend: ms per step of the last workload it ran and that workload's flops (for the cap). */
const lastSpeed = new Map<string, { ms: number; flops: number }>();

for (const w of WORKLOADS) {
  log(`\n${w.name}`);
  const flops = stepFlops(w.sizes, host.n);
  const cs: Array<Contender & { close(): void; info(): string }> = [];
  try {
    if (!('error' in tfjs) && engines.length) {
      // Initial θ and the check's reference from the first engine (the init is host-computed,
      // identical on every backend).
      const ref = engines[0]!;
      const model = ref.engine.mlp({ sizes: w.sizes, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });
      try {
        cs.push(await peerContender(tfjs.tf, host, w, { model, engine: ref.engine }));
      } catch (err) {
        log(`  ${PEER}: failed (${err instanceof Error ? err.message : String(err)})`);
      } finally {
        model.dispose();
      }
    }
    for (const { label, engine } of engines) {
      const prev = lastSpeed.get(label);
      const predicted = prev ? (prev.ms * flops) / prev.flops : 0;
      if (!NO_CAP && predicted > CAP_MS) {
        log(`  ${label}: skipped (about ${(predicted / 1000).toFixed(0)} s a step, predicted from the previous workload; over the ${CAP_MS / 1000} s cap; --no-cap runs it)`);
        continue;
      }
      cs.push(engineContender(label, engine, host, w));
    }
    for (const c of cs) {
      const perStep = await warmUp(c);
      if (c.label !== 'tfjs-wasm') lastSpeed.set(c.label, { ms: perStep, flops });
    }
    const medians = await sampleInterleaved(cs);
    cs.forEach((c, i) => {
      const ms = medians[i]!;
      log(`  ${c.label.padEnd(12)} ${fmt(ms)}  [${c.samples} samples × ${c.steps} steps; ${c.info()}]`);
      if (c.label === 'tfjs-wasm') peer.set(w.id, 1000 / ms);
      else {
        results.get(c.label)!.set(w.id, 1000 / ms);
        lastSpeed.set(c.label, { ms, flops });
      }
    });
  } finally {
    for (const c of cs) c.close();
  }
}
for (const { engine } of engines) engine.dispose();

const rows: Row[] = [];
for (const [backend, values] of results) {
  for (const w of WORKLOADS) {
    const value = values.get(w.id);
    if (value === undefined) continue;
    const peerValue = peer.get(w.id) ?? NaN;
    rows.push({
      name: w.name, backend, value: round(value), unit: 'steps/s',
      peer: PEER, peerValue: round(peerValue), ratio: round(value / peerValue, 3),
    });
  }
}
for (const w of WORKLOADS) {
  const v = peer.get(w.id);
  if (v !== undefined) rows.push({ name: w.name, backend: PEER, value: round(v), unit: 'steps/s', peer: PEER, peerValue: round(v), ratio: 1 });
}

if (JSON_OUT) console.log(JSON.stringify(rows));
else {
  log(`\nSummary (peer: ${'error' in tfjs ? `${PEER}, unavailable` : tfjs.label}, same run, samples interleaved):`);
  for (const row of rows) {
    if (row.backend === PEER) continue;
    const ratio = row.ratio !== null ? row.ratio.toFixed(2) : 'n/a (no peer)';
    const pv = row.peerValue === null ? 'n/a' : row.peerValue.toFixed(3);
    log(`${row.name}  ${row.backend.padEnd(12)} ${row.value.toFixed(3).padStart(7)} steps/s  vs tfjs-wasm ${pv.padStart(6)} steps/s  ratio ${ratio}`);
  }
}

/** Four significant digits (steps/s of W2 are below 1), ratios to three decimals; null if not finite. */
function round(v: number, digits?: number): number {
  if (!Number.isFinite(v)) return null as unknown as number;
  return digits === undefined ? Number(v.toPrecision(4)) : Math.round(v * 10 ** digits) / 10 ** digits;
}

// Dawn and the WASM worker threads may keep handles open; a benchmark ends when it is done.
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
