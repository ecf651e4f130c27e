/**
 * Curvature cost on docs/math.md §7's W1 (MLP 784-50-50-10, tanh, keep p = 0.9, biases, MSE on one-hot
 * targets, full batch: all 10,000 digits of the embedded MNIST subset as one batch via
 * loadMnistAll(), n = 10,000, no train/test split), for every available backend:
 *
 *   1. gradient evaluations per second (∇R_S, mask 'none') and Hessian-vector products per second
 *      (H = ∇²R_S, of 'loss', exact R-operator), timed the same way, and the HVP cost as a ratio
 *      "one HVP = X gradient evaluations" (hvpTime / gradTime; the target is ≤ 3×). Both quantities
 *      are of R_S, so the dropout masks play no part; keep p = 0.9 is only the model's setting.
 *      A lone HVP (model.hvpTensor) runs the forward pass too; an HVP at a fixed θ (an apply of
 *      model.hessianOperator, made once: the forward pass cached) runs only the R pass, as the 40
 *      of a Lanczos run do: both are timed.
 *   2. the wall time of top-10 Lanczos with 40 iterations (engine.hessianEigen with k 10, steps 40,
 *      maxSteps 40, which 'LA': one operator, 40 HVPs, full reorthogonalisation, the tridiagonal
 *      eigensolver and the Ritz vectors), against 40 HVPs of one operator, so the ratio is the
 *      overhead beyond the HVPs.
 *
 * Peers: there is no outside library here. The HVP rows' peer is the same backend's gradient
 * (peer 'gradient', ratio = hvpTime / gradTime — a time ratio, lower is better); the Lanczos row's
 * peer is the 40 HVPs it runs (peer '40 × HVP at θ', ratio = lanczosTime / time of 40 HVPs),
 * timed as one model.hessianOperator and 40 applies in a row ending with one read, one such
 * sample right beside each Lanczos run: on shared CPUs whose load changes over seconds, 40 × a
 * median of short HVP samples taken elsewhere in the run made this ratio swing from 0.95 to 1.5
 * between runs. The gradient row has no peer (peer 'none', peerValue and ratio null). Every ratio
 * is of two numbers measured in the same run, with their samples interleaved.
 *
 * Timing: device-resident, through the model's internal model.gradientTensor / model.hvpTensor
 * (results stay in the workspace; nothing is read back per call): a sample calls one of them
 * `reps` times, then reads one element of the result with backend.read(t, 0, 1), so queued GPU
 * work has really finished (on WASM the calls are synchronous anyway). Each contender warms up
 * (one call, then at least 2 more and WARM ms so V8 has tiered the kernels up; only the one call
 * where it takes over a second, as on a software GPU, where it builds the pipelines; Lanczos warms
 * up with a short k 2, 4-step run), then samples are taken round-robin — gradient, HVP, HVP at θ,
 * Lanczos, 40 × HVP at θ, the order rotating each round — so a change in machine load (the CPUs are
 * shared) hits all of them alike; the median of the samples is reported. Gradient and HVPs get 5 samples
 * (9 without --quick) of at least MIN_SAMPLE ms; Lanczos and its 40-HVP peer 2 (5 without
 * --quick). A Lanczos sample is one hessianEigen call, which reads α and ‖w‖² back every step
 * and the Ritz vectors at the end.
 *
 * Backends: 'wasm' (threads 'auto': both cores where shared memory allows) and 'webgpu' when an
 * adapter exists (otherwise "webgpu: unavailable (reason)"). On a machine without a GPU, WebGPU
 * runs on SwiftShader, a CPU emulation of a GPU: it is slow (seconds a gradient, about 15 s an
 * HVP on 2 shared cores), which is expected and not a measure of GPU speed, so a backend whose
 * call takes over a second gets 3 samples of one call, one of 40 HVPs over 30 s gets 1 (2 without
 * --quick) Lanczos run and 40-HVP block, and Lanczos is skipped where predicted (40 × the HVP-at-θ time) to take longer than CAP_S seconds (60 with
 * --quick, else 180; SwiftShader would take about 10 minutes): --no-cap on
 * build/bench/curvature.bench.js runs it anyway.
 *
 * Run: node scripts/bench.mjs [--json] [--quick] (builds with `npm run bench`), or directly
 * node build/bench/curvature.bench.js [--json] [--quick] [--no-cap]. Runs in Node.
 * --json prints only a JSON array of {name, backend, value, unit, peer, peerValue, ratio}.
 */
import type { Engine } from '../src/engine.js';
import { loadMnistAll } from '../src/data/mnist.js';
import { rademacher } from '../src/curvature/lanczos.js';
import type { Tensor } from '../src/backend/backend.js';
import type { EigenResult } from '../src/curvature/eigen.js';
import { type Row, JSON_OUT, NO_CAP, QUICK, log, perBackend, type Timed, median, now, sampleInterleaved, spread } from './_common.js';

const SIZES = [784, 50, 50, 10];
const KEEP = 0.9;
const INIT_SEED = 7;
const LANCZOS = { k: 10, steps: 40, maxSteps: 40, which: 'LA' as const, seed: 3 };
const WARM = QUICK ? 300 : 1000;
const MIN_SAMPLE = QUICK ? 150 : 500;
/** Lanczos is skipped on a backend where 40 HVPs are predicted to take longer (seconds). */
const CAP_S = QUICK ? 60 : 180;
const W1 = 'W1 (784-50-50-10, tanh, MSE, n=10000)';

/** One thing being timed; `run(reps)` resolves when `reps` calls have really finished. */
interface Contender extends Timed {
  label: string;
}

/**
 * Warm-up: at least 2 calls and WARM ms; returns ms per call. Where the first call alone takes over
 * a second (a software GPU: pipelines are built then, and V8's tiering is immaterial), one call.
 */
async function warmUp(run: (reps: number) => Promise<void>): Promise<number> {
  let t0 = now();
  await run(1);
  const first = now() - t0;
  if (first > 1000) return first;
  t0 = now();
  let calls = 0;
  while (calls < 2 || now() - t0 < WARM) {
    await run(1);
    calls++;
  }
  return (now() - t0) / calls;
}

interface Result {
  gradMs: number;
  hvpMs: number;
  lanczosMs?: number;
  /** An apply of an operator at a fixed θ (the forward pass cached). */
  opMs: number;
  /** One operator and 40 applies in a row (one sample per Lanczos run, interleaved with them). */
  hvp40Ms?: number;
}

async function benchBackend(engine: Engine, host: Awaited<ReturnType<typeof loadMnistAll>>): Promise<Result> {
  const be = engine.kernels;
  const model = engine.mlp({ sizes: SIZES, activation: 'tanh', keep: KEEP, bias: true, seed: INIT_SEED });
  const data = engine.dataset(host);
  const v: Tensor = be.fromArray(rademacher(model.size, 1, 0x6e7c, 0));
  const op = model.hessianOperator(data, { of: 'loss' });
  try {
    let sink: Tensor | null = null;
    const grad = async (reps: number): Promise<void> => {
      for (let i = 0; i < reps; i++) sink = model.gradientTensor(data, { mask: 'none' });
      await be.read(sink!, 0, 1);
    };
    const hvp = async (reps: number): Promise<void> => {
      for (let i = 0; i < reps; i++) sink = model.hvpTensor(data, v, { of: 'loss' });
      await be.read(sink!, 0, 1);
    };
    const last: { eig?: EigenResult } = {};
    const lanczos = async (reps: number): Promise<void> => {
      for (let i = 0; i < reps; i++) last.eig = await engine.hessianEigen(model, data, LANCZOS);
    };
    const hvpAt = async (reps: number): Promise<void> => {
      for (let i = 0; i < reps; i++) sink = op.apply(v);
      await be.read(sink!, 0, 1);
    };
    /** The Lanczos row's peer: its 40 HVPs (one operator, 40 applies), one read at the end. */
    const hvp40 = async (reps: number): Promise<void> => {
      for (let i = 0; i < reps; i++) {
        const at = model.hessianOperator(data, { of: 'loss' });
        for (let j = 0; j < 40; j++) sink = at.apply(v);
        await be.read(sink!, 0, 1);
        at.dispose();
      }
    };

    const runs = [grad, hvp, hvpAt];
    const warm = [await warmUp(grad), await warmUp(hvp), await warmUp(hvpAt)];
    // 3 samples where a call takes over a second (a software GPU), else 5 (9 without --quick).
    const samples = Math.max(...warm) > 1000 ? 3 : QUICK ? 5 : 9;
    const cs: Contender[] = (['gradient', 'HVP', 'HVP at θ'] as const).map((name, i) => ({
      label: name, run: runs[i]!, count: Math.max(1, Math.ceil(MIN_SAMPLE / warm[i]!)), samples, times: [],
    }));

    // Lanczos: predicted from the warm-up time of an HVP at θ; warmed up with a short run (same kernels).
    const predictedS = (40 * warm[2]!) / 1000;
    let lanczosNote = '';
    if (!NO_CAP && predictedS > CAP_S) {
      lanczosNote = `skipped (40 HVPs predicted to take about ${predictedS.toFixed(0)} s, over the ${CAP_S} s cap; --no-cap runs it)`;
    } else {
      await engine.hessianEigen(model, data, { k: 2, steps: 4, maxSteps: 4, which: 'LA', seed: 1 });
      // Runs of several seconds: 2 samples (5 without --quick), each beside a 40-HVP sample; where
      // one takes half a minute or more (a software GPU), 1 (2 without --quick).
      const lanczosSamples = predictedS > 30 ? (QUICK ? 1 : 2) : QUICK ? 2 : 5;
      cs.push({ label: 'Lanczos', run: lanczos, count: 1, samples: lanczosSamples, times: [] });
      cs.push({ label: '40 × HVP at θ', run: hvp40, count: 1, samples: lanczosSamples, times: [] });
    }
    if (/swiftshader/i.test(engine.backendInfo.description)) {
      log('  (SwiftShader emulates the GPU on the CPU: slow timings are expected and say nothing of GPU speed; fewer samples)');
    }

    const medians = await sampleInterleaved(cs);
    const [gradMs, hvpMs, opMs] = [medians[0]!, medians[1]!, medians[2]!];
    const fmtRate = (c: Contender, ms: number, unit: string): string =>
      `  ${c.label.padEnd(9)} ${(1000 / ms).toFixed(2).padStart(8)} ${unit}  (${ms.toFixed(1)} ms each; ${c.samples} samples × ${c.count}, range ${spread(c.times)})`;
    log(fmtRate(cs[0]!, gradMs, 'grad/s'));
    log(fmtRate(cs[1]!, hvpMs, 'HVP/s '));
    log(fmtRate(cs[2]!, opMs, 'HVP/s '));
    const x = hvpMs / gradMs;
    log(`  one HVP = ${x.toFixed(2)} gradient evaluations (target ≤ 3: ${x <= 3 ? 'met' : 'NOT met'}); at a fixed θ (forward pass cached) ${(opMs / gradMs).toFixed(2)}`);
    const res: Result = { gradMs, hvpMs, opMs };
    if (cs[3]) {
      const ms = medians[3]!, peerMs = medians[4]!;
      res.lanczosMs = ms;
      res.hvp40Ms = peerMs;
      const e = last.eig!;
      log(`  Lanczos   ${(ms / 1000).toFixed(2).padStart(8)} s  top-10, 40 steps (${cs[3].samples} runs, range ${spread(cs[3].times)})`);
      log(`  40 × HVP at θ ${(peerMs / 1000).toFixed(2).padStart(4)} s  one operator, 40 applies in a row (${cs[4]!.samples} runs, range ${spread(cs[4]!.times)}; 40 × the HVP-at-θ median above: ${((40 * opMs) / 1000).toFixed(2)} s)`);
      log(`  Lanczos = ${(ms / peerMs).toFixed(3)} × its 40 HVPs (the overhead beyond them: reorthogonalisation, one read-back per step, T's eigenpairs, Ritz vectors)`);
      log(`            λ₁ … λ₁₀ = ${Array.from(e.values, (l) => l.toPrecision(4)).join(', ')}; steps ${e.steps}, converged ${e.converged}, max residual ${Math.max(...e.residuals).toExponential(1)}`);
    } else {
      log(`  Lanczos   ${lanczosNote}`);
    }
    return res;
  } finally {
    op.dispose();
    be.dispose(v);
    model.dispose();
    data.dispose();
  }
}

// ---- main ---------------------------------------------------------------------------------------

log('Curvature benchmark on W1: gradient and HVP throughput (higher is better), top-10 Lanczos wall time (lower is better)');
log(`784-50-50-10, tanh, keep p = ${KEEP}, MSE, biases; full batch: all 10,000 embedded MNIST digits (loadMnistAll); ∇R_S (mask 'none'), H = ∇²R_S (of 'loss')`);
const host = await loadMnistAll();

const results = await perBackend((engine) => benchBackend(engine, host));

const rows: Row[] = [];
for (const [backend, r] of results) {
  const gradRate = 1000 / r.gradMs, hvpRate = 1000 / r.hvpMs;
  rows.push({ name: `gradient ∇R_S ${W1}`, backend, value: round(gradRate), unit: 'grad/s', peer: 'none', peerValue: round(NaN), ratio: round(NaN) });
  rows.push({ name: `HVP H·v of R_S ${W1}`, backend, value: round(hvpRate), unit: 'HVP/s', peer: 'gradient', peerValue: round(gradRate), ratio: round(r.hvpMs / r.gradMs, 3) });
  rows.push({ name: `HVP H·v of R_S at a fixed θ (forward pass cached) ${W1}`, backend, value: round(1000 / r.opMs), unit: 'HVP/s', peer: 'gradient', peerValue: round(gradRate), ratio: round(r.opMs / r.gradMs, 3) });
  if (r.lanczosMs !== undefined && r.hvp40Ms !== undefined) {
    rows.push({
      name: `Lanczos top-10, 40 steps ${W1}`, backend, value: round(r.lanczosMs, 1), unit: 'ms',
      peer: '40 × HVP at θ', peerValue: round(r.hvp40Ms, 1), ratio: round(r.lanczosMs / r.hvp40Ms, 3),
    });
  }
}

if (JSON_OUT) console.log(JSON.stringify(rows));
else {
  log('\nSummary (ratios of two numbers from the same run, samples interleaved):');
  for (const [backend, r] of results) {
    log(`${backend.padEnd(7)} one HVP = ${(r.hvpMs / r.gradMs).toFixed(2)} gradient evaluations (${(1000 / r.hvpMs).toFixed(2)} HVP/s vs ${(1000 / r.gradMs).toFixed(2)} grad/s; target ≤ 3)`);
    if (r.lanczosMs !== undefined && r.hvp40Ms !== undefined) {
      log(`${backend.padEnd(7)} Lanczos top-10 × 40 steps ${(r.lanczosMs / 1000).toFixed(2)} s = ${(r.lanczosMs / r.hvp40Ms).toFixed(3)} × (40 HVPs at θ in a row = ${(r.hvp40Ms / 1000).toFixed(2)} s)`);
    }
  }
}

function round(v: number, digits = 2): number {
  const f = 10 ** digits;
  return Number.isFinite(v) ? Math.round(v * f) / f : (null as unknown as number);
}

// Dawn and the WASM worker threads may keep handles open; a benchmark ends when it is done.
(globalThis as { process?: { exit(code: number): void } }).process?.exit(0);
