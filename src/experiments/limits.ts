/**
 * What a configuration asks of the data and of the machine, checked before anything runs (the
 * per-key ranges are config.ts's): rows that exist (nothing is capped silently), settings that
 * depend on each other, and an estimate of the device memory of each section's largest unit
 * against what the backend can hold. Errors name the setting's path and the real limit.
 */
import { stepDivides } from '../sme/richardson.js';
import type { Engine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { MNIST_CLASSES, MNIST_DIM } from '../data/mnist-shape.js';
import { stepsFor } from '../sme/weak-order.js';
import type { NetSpec } from './model-spec.js';
import type { LadderConfig } from './path-cells.js';
import type { ReproduceConfig } from './presets.js';
import type { SectionName } from './sections.js';
import type { DataChoice } from './workloads.js';

/** Rows of the embedded MNIST training split (loadMnist().train; a test checks it). */
export const MNIST_TRAIN_ROWS = 8000;
/** The sine task's rows when data.n is not given (Workloads.host). */
const SINE_DEFAULT_ROWS = 20;

/** The user's data set (--data), as far as the limits need it. */
export interface DataDims {
  n: number;
  inDim: number;
  outDim: number;
}

interface Shape { rows: number | null; inDim: number; outDim: number; what: string }

function shapeOf(d: DataChoice, custom: DataDims | null): Shape {
  if (d.source === 'mnist') return { rows: MNIST_TRAIN_ROWS, inDim: MNIST_DIM, outDim: MNIST_CLASSES, what: 'the embedded MNIST training set' };
  if (d.source === 'sine') return { rows: null, inDim: 1, outDim: 1, what: 'the sine task' };
  if (!custom) throw new ArgumentError('data', 'a data set (--data) for the custom workload', d.source);
  return { rows: custom.n, inDim: custom.inDim, outDim: custom.outDim, what: 'the --data set' };
}

const rowsUsed = (d: DataChoice, s: Shape) => d.n ?? s.rows ?? SINE_DEFAULT_ROWS;

/** Refuses settings that contradict each other or the data (every section, run or not). */
export function checkSettings(c: ReproduceConfig, custom: DataDims | null): void {
  const sections = { sme: c.sme, weakOrder: c.weakOrder, sweep: c.sweep, flatness: c.flatness, alignment: c.alignment };
  for (const [name, s] of Object.entries(sections)) {
    const shape = shapeOf(s.data, custom);
    if (s.data.n !== undefined && shape.rows !== null && s.data.n > shape.rows) {
      throw new ArgumentError(`config.${name}.data.n`, `at most ${shape.rows} (the rows of ${shape.what})`, s.data.n);
    }
  }
  if (c.sme.recordEvery > c.sme.steps) throw new ArgumentError('config.sme.recordEvery', `at most config.sme.steps = ${c.sme.steps}`, c.sme.recordEvery);
  const w = c.weakOrder;
  if (w.regimes.length !== w.times.length) throw new ArgumentError('config.weakOrder.regimes', `one name per time in config.weakOrder.times (${w.times.length})`, w.regimes);
  w.times.forEach((time, r) => checkLadder('weakOrder', { ...w, time }, `times[${r}]`));
  checkLadder('sweep', c.sweep, 'time');
  const f = c.flatness;
  const fn = rowsUsed(f.data, shapeOf(f.data, custom));
  if (f.approachBatch > fn) throw new ArgumentError('config.flatness.approachBatch', `at most the ${fn} rows of config.flatness.data`, f.approachBatch);
  // Trajectory runs take K ≥ 2 of S − 1 PCA directions, gradient runs K of M − 1.
  if (f.samples < 3) throw new ArgumentError('config.flatness.samples', 'an integer in [3, 65536]', f.samples);
  if (f.directions < 2 || f.directions > f.samples - 1) {
    throw new ArgumentError('config.flatness.directions', `an integer in [2, config.flatness.samples − 1 = ${f.samples - 1}]`, f.directions);
  }
  if (f.directions > f.gradientSamples - 1) {
    throw new ArgumentError('config.flatness.directions', `at most config.flatness.gradientSamples − 1 = ${f.gradientSamples - 1}`, f.directions);
  }
  const a = c.alignment;
  if (a.every > a.steps) throw new ArgumentError('config.alignment.every', `at most config.alignment.steps = ${a.steps}`, a.every);
  const d = netSize(a.net, shapeOf(a.data, custom));
  if (a.eigenpairs > d) throw new ArgumentError('config.alignment.eigenpairs', `at most D = ${d} (the parameters of config.alignment.net)`, a.eigenpairs);
}

function checkLadder(name: string, l: LadderConfig, timeKey: string): void {
  // The weak error's Monte Carlo floor is a variance over paths.
  if (l.paths < 2 || l.paths % 2 !== 0) throw new ArgumentError(`config.${name}.paths`, 'an even integer in [2, 10000000] (antithetic SME pairs)', l.paths);
  if (l.gdPaths < 2) throw new ArgumentError(`config.${name}.gdPaths`, 'an integer in [2, 10000000]', l.gdPaths);
  // The SME integrates every ε with the same step h: each ε a whole multiple of it.
  for (const [i, lr] of l.lrs.entries()) {
    if (!stepDivides(lr, l.step)) throw new ArgumentError(`config.${name}.step`, `an integrator step h that divides config.${name}.lrs[${i}] = ${lr}`, l.step);
  }
  const smallest = Math.min(...l.lrs), steps = stepsFor(l.time, smallest);
  if (steps > 1e7) throw new ArgumentError(`config.${name}.${timeKey}`, `at most ${1e7 * smallest} (10,000,000 steps of the smallest ε = ${smallest})`, l.time);
}

/** The parameter count D of a network on data of this shape. */
function netSize(net: NetSpec, s: Shape): number {
  const sizes = [s.inDim, ...net.hidden, s.outDim];
  let d = 0;
  for (let i = 1; i < sizes.length; i++) d += sizes[i - 1]! * sizes[i]! + sizes[i]!;
  return d;
}

/** Float32 values a section's largest unit holds at once: all of them, and the largest tensor. */
interface Need { total: number; largest: number }

/**
 * The buffers every unit with a model holds: the data set, θ, the gradient and the full-batch
 * workspace (pre-activations and their gradients per layer, activations and derivatives per
 * hidden layer: src/model/workspace.ts). A lower bound: what a unit adds comes on top.
 */
export function modelNeed(sizes: number[], rows: number): Need & { d: number } {
  let d = 0, all = 0, hidden = 0, widest = 0;
  for (let i = 1; i < sizes.length; i++) {
    d += sizes[i - 1]! * sizes[i]! + sizes[i]!;
    all += sizes[i]!;
    if (i < sizes.length - 1) hidden += sizes[i]!;
    widest = Math.max(widest, sizes[i]!);
  }
  const inDim = sizes[0]!, outDim = sizes[sizes.length - 1]!;
  return { d, total: rows * (inDim + outDim) + 2 * d + rows * (2 * all + 2 * hidden), largest: Math.max(rows * inDim, d, rows * widest) };
}

/** Lanczos for k eigenpairs: a basis of m rows of D and the k Ritz vectors (src/curvature/eigen.ts). */
export function eigenNeed(k: number, d: number): Need {
  const m = Math.min(d, Math.max(2 * k + 10, 40));
  return { total: (m + k) * d, largest: m * d };
}

const plus = (a: Need, b: Need): Need => ({ total: a.total + b.total, largest: Math.max(a.largest, b.largest) });

function sectionNeed(name: SectionName, c: ReproduceConfig, custom: DataDims | null): Need {
  const model = (net: NetSpec, data: DataChoice) => {
    const s = shapeOf(data, custom);
    return modelNeed([s.inDim, ...net.hidden, s.outDim], rowsUsed(data, s));
  };
  // Batched paths: loss and ‖θ‖² records of every path, and θ, update, gradient, HVP and scratch
  // of at least one path (src/sme/simulate-batched.ts).
  const paths = (m: { d: number }, records: number, count: number): Need => ({ total: 2 * records * count + 5 * m.d, largest: records * count });
  switch (name) {
    case 'sme': {
      const m = model(c.sme.net, c.sme.data);
      return plus(m, paths(m, Math.floor(c.sme.steps / c.sme.recordEvery) + 1, c.sme.paths));
    }
    case 'weakOrder':
    case 'sweep': {
      const l = c[name], m = model(l.net, l.data);
      return plus(m, paths(m, 2, Math.max(l.paths, l.gdPaths)));
    }
    case 'flatness': {
      // Trajectory snapshots (S × D) or mask gradients (M × D), and the PCA directions.
      const f = c.flatness, m = model(f.net, f.data), rows = Math.max(f.samples, f.gradientSamples);
      return plus(m, { total: (rows + f.directions) * m.d, largest: rows * m.d });
    }
    case 'alignment': {
      // The noise factor's M rows of D, then Lanczos for the eigenpairs.
      const a = c.alignment, m = model(a.net, a.data);
      return plus(plus(m, { total: a.samples * m.d, largest: a.samples * m.d }), eigenNeed(a.eigenpairs, m.d));
    }
  }
}

/** What the backend can hold: WASM, all its buffers together; WebGPU, each buffer. */
export interface MemoryBudget {
  /** Bytes all buffers together may take (WASM's linear memory), or null when not bounded here. */
  totalBytes: number | null;
  /** Bytes one buffer may take (WebGPU's maxBufferSize), or null. */
  bufferBytes: number | null;
  what: string;
}

/** WASM32 linear memory: 65,536 pages of 64 KiB. */
export const WASM_MEMORY_BYTES = 2 ** 32;

export function memoryBudget(engine: Engine): MemoryBudget {
  if (engine.backend === 'wasm') return { totalBytes: WASM_MEMORY_BYTES, bufferBytes: null, what: 'the 4 GiB of WebAssembly memory' };
  const d = engine.backendInfo.details;
  const max = Number(d.plannedMaxBufferSize ?? d.maxBufferSize);
  return Number.isFinite(max) && max > 0
    ? { totalBytes: null, bufferBytes: max, what: `the device's largest buffer (maxBufferSize ${max} bytes)` }
    : { totalBytes: null, bufferBytes: null, what: 'the device' };
}

const fits = (n: Need, b: MemoryBudget) => (b.totalBytes === null || 4 * n.total <= b.totalBytes) && (b.bufferBytes === null || 4 * n.largest <= b.bufferBytes);
const gb = (floats: number) => `${((4 * floats) / 1e9).toPrecision(3)} GB`;

/** An integer setting the memory grows with: its path, value, and the configuration with it changed. */
interface Knob { path: string; value: number; min: number; with(v: number): ReproduceConfig }

function knobs(name: SectionName, c: ReproduceConfig): Knob[] {
  const s = c[name] as unknown as { data: DataChoice; net: NetSpec } & Record<string, unknown>;
  const withSection = (patch: Record<string, unknown>) => ({ ...c, [name]: { ...s, ...patch } }) as ReproduceConfig;
  const out: Knob[] = s.net.hidden.map((w, i) => ({
    path: `config.${name}.net.hidden[${i}]`, value: w, min: 1,
    with: (v: number) => withSection({ net: { ...s.net, hidden: s.net.hidden.map((h, j) => (j === i ? v : h)) } }),
  }));
  if (s.data.n !== undefined) out.push({ path: `config.${name}.data.n`, value: s.data.n, min: 1, with: (v) => withSection({ data: { ...s.data, n: v } }) });
  for (const key of ['paths', 'samples', 'gradientSamples', 'eigenpairs']) {
    if (typeof s[key] === 'number') out.push({ path: `config.${name}.${key}`, value: s[key] as number, min: 1, with: (v) => withSection({ [key]: v }) });
  }
  return out;
}

/**
 * Refuses a section whose estimated memory exceeds the budget, blaming the setting furthest above
 * the largest value that would fit (the others as they are), and saying that value.
 */
export function checkMemory(c: ReproduceConfig, sections: readonly SectionName[], custom: DataDims | null, budget: MemoryBudget): void {
  for (const name of sections) {
    const need = sectionNeed(name, c, custom);
    if (fits(need, budget)) continue;
    let worst: { k: Knob; max: number } | null = null;
    for (const k of knobs(name, c)) {
      const ok = (v: number) => fits(sectionNeed(name, k.with(v), custom), budget);
      if (ok(k.value)) continue;
      let lo = k.min - 1, hi = k.value; // ok(lo) (or lo below the range), !ok(hi)
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (ok(mid)) lo = mid;
        else hi = mid;
      }
      if (lo >= k.min && (!worst || k.value / lo > worst.k.value / worst.max)) worst = { k, max: lo };
    }
    const why = `the ${name} section needs an estimated ${gb(need.total)} of device memory (largest buffer ${gb(need.largest)}), more than ${budget.what}`;
    if (worst) throw new ArgumentError(worst.k.path, `at most ${worst.max} with the other settings as they are (${why})`, worst.k.value);
    throw new ArgumentError(`config.${name}`, `settings that fit in ${budget.what}`, why);
  }
}
