/**
 * SME simulation speed (path-steps per second, higher is better) on docs/math.md §7's W3, each SME variant
 * against dropout GD on the same backend, measured in the same run with the samples interleaved:
 *
 *   W3: two-layer 784-50-10, tanh, keep p = 0.9, biases, MSE R_S = 1/(2n) Σ‖f − y‖² on one-hot
 *   targets; data: loadMnist()'s training split (the default stratified 0.8 / seed 0 split of the
 *   embedded 10,000 MNIST digits), n = 8,000, full batch (every step uses all 8,000 digits).
 *
 * Rows, all through engine.simulate(model, data, { method, lr: ε = LR, steps, paths, seed, … }):
 *   - dropout GD (method 'dropout-gd', mode 'sequential', paths 1): one masked forward/backward a
 *     step on the model's own parameters, i.e. training. The peer of the others.
 *   - SME order 1, mask pairs, batched ('sme1', substeps 1, noise 'mask-pair', pairs 4, paths 4,
 *     the default mode 'batched'): a step is one block-weighted pass over 1 + 8 blocks (the
 *     unmasked drift block and 2·4 masks), the weighted δ's summed inside the GEMMs (so one
 *     layer-0 weight-gradient GEMM a step, not one per mask). The paths per batch come from the
 *     default float budget: on W3 (n = 8,000, 9 blocks of 8,000 rows per path) one path fits, so
 *     here the 4 paths run in 4 batches of 1 and the gain over the sequential row is the pass's;
 *   - SME order 1, mask pairs, sequential (the same, mode 'sequential', paths 1): ∇L_S (closed
 *     form) plus 8 per-mask gradients in one batched pass for ζ, the implementation before the
 *     batched one (kept as the reference), for comparison;
 *   - SME order 2, mask pairs, batched ('sme2', the same noise, paths 4): ∇L_S, one batched HVP
 *     of L_S, and the 8-block noise pass;
 *   - SME order 1, frozen factor, batched ('sme1', noise 'frozen', samples 32, refresh 10, paths
 *     4): ∇L_S every step and, every 10th step, each path's factor from 32 mask gradients. Calls
 *     run a multiple of 10 steps, so each carries exactly its share of the refreshes.
 * Each SME row's peer is dropout GD on the same backend: ratio = SME path-steps/s ÷ dropout GD
 * steps/s, i.e. 1 / (the cost of an SME path-step in dropout-GD steps); the dropout GD row has no
 * peer. A call of `steps` steps over `paths` paths does steps·paths path-steps.
 *
 * Timing: whole engine.simulate calls, which resolve after reading the recorded values back (so
 * queued GPU work has finished). recordEvery = steps, as the weak-order study uses it: a call
 * records R_S and ‖θ‖² at its start and end only. That fixed work (two forward passes, the
 * sampler's set-up: each call builds its own) is part of the time; calls of about equal length
 * (MIN_SAMPLE ms) give it about the same share on both sides of a ratio. Each contender warms up
 * (calls until WARM ms have passed, at least 2), then a sample is one call of enough steps to last
 * MIN_SAMPLE ms (at least 2; a multiple of 10 for the frozen factor), the samples taken round-robin
 * across the contenders, the order rotating each round, so a change in machine load (the 2 CPUs are
 * shared) hits them alike; the median ms per path-step is reported (5 samples with --quick, else 9; 3
 * and 5 where a call lasts over a second). A contender whose call would last longer than CAP_S
 * seconds (20 with --quick, else 60) is skipped with a note unless --no-cap. Every call starts from
 * the same initial θ (simulate restores the parameters), with a new seed.
 *
 * Backends: 'wasm' (threads 'auto': both cores where shared memory allows) and 'webgpu' when an
 * adapter exists (otherwise "webgpu: unavailable (reason)"; --no-webgpu skips it). On a machine
 * without a GPU, WebGPU runs on SwiftShader, a CPU emulation of a GPU, not a GPU: there a dropout
 * GD step takes about 20 s and an SME mask-pair step about a minute (2 shared cores), so on a
 * software adapter (SwiftShader, llvmpipe/lavapipe) the bench takes few steps: one 1-step dropout
 * GD call to warm up, then 1-step calls of dropout GD and SME order 1 (1 round with --quick, else
 * 3), every row with paths 1; the other rows (minutes a call) are skipped unless --no-cap. A 1-step call
 * is dominated more by its fixed work on the cheaper side, so that ratio overstates the SME.
 *
 * Run: node scripts/bench.mjs [--json] [--quick] [--no-webgpu] (builds with `npm run bench`), or
 * node build/bench/sme.bench.js [--json] [--quick] [--no-webgpu] [--no-cap]. Runs in Node.
 * --json prints only a JSON array of {name, backend, value, unit, peer, peerValue, ratio}.
 */
import type { Engine } from '../src/engine.js';
import { loadMnist } from '../src/data/mnist.js';
import type { HostDataset } from '../src/data/dataset-types.js';
import type { SimulateOptions } from '../src/sme/simulate.js';
import { type Row, JSON_OUT, NO_CAP, QUICK, log, perBackend, type Timed, median, now, sampleInterleaved, spread } from './_common.js';

const SIZES = [784, 50, 10];
const KEEP = 0.9;
const LR = 0.05;
const INIT_SEED = 7;
const PAIRS = 4;
/** Paths of the batched rows (1 on a software adapter). */
const PATHS = 4;
const SAMPLES = 32;
const REFRESH = 10;
const WARM = QUICK ? 250 : 800;
const MIN_SAMPLE = QUICK ? 600 : 1200;
/** Rounds of 1-step calls on a software adapter (SwiftShader: about 20 s a dropout GD call). */
const SOFT_SAMPLES = QUICK ? 1 : 3;
const SOFTWARE_ADAPTER = /swiftshader|llvmpipe|lavapipe/i;
/** A contender whose call (one sample) would last longer (seconds) is skipped. */
const CAP_S = QUICK ? 20 : 60;
const W3 = 'W3 (784-50-10, tanh, p=0.9, MSE, n=8000 full batch)';
const PEER = 'dropout-gd';
const UNIT = 'path-steps/s';

interface Variant {
  id: string;
  name: string;
  options: Omit<SimulateOptions, 'lr' | 'steps' | 'paths'>;
  /** Paths of a call. */
  paths: number;
  /** Steps of a call are a multiple of this (the frozen factor's refresh period). */
  unit: number;
}

const VARIANTS: Variant[] = [
  { id: PEER, name: 'dropout GD', options: { method: 'dropout-gd', mode: 'sequential' }, paths: 1, unit: 1 },
  { id: 'sme1', name: `SME order 1, mask pairs ${PAIRS}, batched`, options: { method: 'sme1', substeps: 1, noise: 'mask-pair', pairs: PAIRS }, paths: PATHS, unit: 1 },
  {
    id: 'sme1-seq', name: `SME order 1, mask pairs ${PAIRS}, sequential`,
    options: { method: 'sme1', substeps: 1, noise: 'mask-pair', pairs: PAIRS, mode: 'sequential' }, paths: 1, unit: 1,
  },
  { id: 'sme2', name: `SME order 2, mask pairs ${PAIRS}, batched`, options: { method: 'sme2', substeps: 1, noise: 'mask-pair', pairs: PAIRS }, paths: PATHS, unit: 1 },
  {
    id: 'sme1-frozen', name: `SME order 1, frozen ${SAMPLES} samples, refresh ${REFRESH}, batched`,
    options: { method: 'sme1', substeps: 1, noise: 'frozen', samples: SAMPLES, refresh: REFRESH }, paths: PATHS, unit: REFRESH,
  },
];

/** One variant on one backend; `run(steps)` is one engine.simulate call, resolved after read-back. */
interface Contender extends Timed {
  variant: Variant;
}

/**
 * Warm-up with calls of `unit` steps until WARM ms have passed, at least 2 calls (the contenders
 * share most kernels, and dropout GD, first, has let V8 tier them up). Returns ms per step.
 */
async function warmUp(run: (steps: number) => Promise<void>, unit: number): Promise<number> {
  const t0 = now();
  let calls = 0;
  while (calls < 2 || now() - t0 < WARM) {
    await run(unit);
    calls++;
  }
  return (now() - t0) / (calls * unit);
}

/** Steps per second: 2 decimals, or 3 significant digits below 1 (a software GPU). */
const fmtRate = (v: number): string => (v >= 1 ? v.toFixed(2) : v.toPrecision(3));

/** Variants run on a software adapter without --no-cap (the others take minutes a call there). */
const SOFT_VARIANTS = new Set([PEER, 'sme1', 'sme1-seq']);

/** Median ms per step of every variant that ran on this backend. */
async function benchBackend(engine: Engine, host: HostDataset): Promise<Map<string, number>> {
  const model = engine.mlp({ sizes: SIZES, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });
  const data = engine.dataset(host);
  const soft = SOFTWARE_ADAPTER.test(engine.backendInfo.description);
  if (soft) {
    log('  (a software adapter: the GPU is emulated on the CPU, so these timings say nothing of GPU speed.');
    log(`   Few steps: warm-up one 1-step dropout GD call, then ${SOFT_SAMPLES === 1 ? 'one round' : `${SOFT_SAMPLES} rounds`} of 1-step calls; a 1-step`);
    log('   call includes the per-call fixed work (records, sampler set-up), a larger share of a dropout GD call,');
    log('   so the ratio here overstates the SME\'s relative speed)');
  }
  try {
    let seed = 1;
    const cs: Contender[] = [];
    for (const variant of VARIANTS) {
      const paths = soft ? 1 : variant.paths;
      const run = async (steps: number): Promise<void> => {
        const res = await engine.simulate(model, data, { ...variant.options, lr: LR, steps, paths, seed: seed++, recordEvery: steps });
        const last = res.loss[res.loss.length - 1]!;
        if (!Number.isFinite(last)) throw new Error(`${variant.name}: non-finite R_S ${last} after ${steps} steps`);
      };
      if (soft) {
        if (!SOFT_VARIANTS.has(variant.id) && !NO_CAP) {
          log(`  ${variant.name}: skipped on a software adapter (a call takes minutes; --no-cap runs it)`);
          continue;
        }
        // One warm-up call, dropout GD's (it builds the pipelines the others share; on SwiftShader
        // an SME call's first and second runs took the same time, about a minute each).
        if (variant.id === PEER) {
          const t0 = now();
          await run(variant.unit);
          log(`  warm-up ${variant.name}: one ${variant.unit}-step call, ${((now() - t0) / 1000).toFixed(1)} s`);
        }
        cs.push({ variant, run: (c) => run(c / paths), count: variant.unit * paths, samples: SOFT_SAMPLES, times: [] });
        continue;
      }
      const perStep = await warmUp(run, variant.unit); // ms per step of all `paths` paths
      const minSteps = variant.unit === 1 ? 2 : variant.unit;
      const steps = Math.max(minSteps, Math.ceil(MIN_SAMPLE / perStep / variant.unit) * variant.unit);
      const callS = (perStep * steps) / 1000;
      if (!NO_CAP && callS > CAP_S) {
        log(`  ${variant.name}: skipped (a ${steps}-step call takes about ${callS.toFixed(0)} s, over the ${CAP_S} s cap; --no-cap runs it)`);
        continue;
      }
      // Fewer samples where a call lasts over a second.
      const samples = callS > 1 ? (QUICK ? 3 : 5) : QUICK ? 5 : 9;
      log(`  warm-up ${variant.name}: ${(perStep / paths).toFixed(1)} ms/path-step; then ${samples} samples × ${steps} steps × ${paths} paths`);
      cs.push({ variant, run: (c) => run(c / paths), count: steps * paths, samples, times: [] });
    }
    const medians = await sampleInterleaved(cs);
    const out = new Map<string, number>();
    cs.forEach((c, i) => out.set(c.variant.id, medians[i]!));
    const gdMs = out.get(PEER);
    for (const c of cs) {
      const ms = out.get(c.variant.id)!;
      const vs = c.variant.id === PEER || gdMs === undefined ? '' : `  = ${(ms / gdMs).toFixed(2)} dropout-GD steps (ratio ${(gdMs / ms).toFixed(3)})`;
      log(`  ${c.variant.name.padEnd(52)} ${fmtRate(1000 / ms).padStart(7)} ${UNIT}  (${ms.toFixed(1)} ms/path-step; ${c.samples} × ${c.count} path-steps, range ${spread(c.times)})${vs}`);
    }
    return out;
  } finally {
    model.dispose();
    data.dispose();
  }
}

// ---- main ---------------------------------------------------------------------------------------

log('SME benchmark on W3: path-steps per second (higher is better), each SME row against dropout GD on the same backend');
log(`784-50-10, tanh, keep p = ${KEEP}, MSE, biases, lr ε = ${LR}, substeps 1; batched rows ${PATHS} paths, sequential rows 1; full batch: loadMnist()'s 8,000 training digits`);
const { train: host } = await loadMnist();
if (host.n !== 8000) throw new Error(`expected 8,000 training digits, got ${host.n}`);

const results = await perBackend((engine) => benchBackend(engine, host));

const rows: Row[] = [];
for (const [backend, byVariant] of results) {
  const gdMs = byVariant.get(PEER);
  for (const v of VARIANTS) {
    const ms = byVariant.get(v.id);
    if (ms === undefined) continue;
    const name = `${v.name} ${W3}`;
    if (v.id === PEER) {
      rows.push({ name, backend, value: sig(1000 / ms), unit: UNIT, peer: 'none', peerValue: sig(NaN), ratio: round(NaN) });
    } else {
      const peerValue = gdMs === undefined ? NaN : 1000 / gdMs;
      rows.push({ name, backend, value: sig(1000 / ms), unit: UNIT, peer: PEER, peerValue: sig(peerValue), ratio: round(1000 / ms / peerValue, 3) });
    }
  }
}

if (JSON_OUT) console.log(JSON.stringify(rows));
else {
  log('\nSummary (ratio = SME path-steps/s ÷ dropout GD steps/s, same backend, same run, samples interleaved; the machine is shared, so timings are noisy):');
  log(W3);
  for (const row of rows) {
    if (row.peer === 'none') continue;
    const ratio = row.ratio === null ? 'n/a (no dropout GD)' : row.ratio.toFixed(3);
    const pv = row.peerValue === null ? 'n/a' : fmtRate(row.peerValue);
    const name = row.name.slice(0, -W3.length - 1);
    log(`${row.backend.padEnd(7)} ${name.padEnd(52)} ${fmtRate(row.value).padStart(7)} ${UNIT}  vs dropout GD ${pv.padStart(7)}  ratio ${ratio}`);
  }
}

/** 4 significant digits (a software GPU runs a hundredth of a step a second); null where not finite. */
function sig(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(4)) : (null as unknown as number);
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : (null as unknown as number);
}

// Dawn and the WASM worker threads may keep handles open; a benchmark ends when it is done.
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
