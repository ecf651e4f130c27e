// Protocols P4 and P5: does W1's dropout-GD trajectory reach a stationary window after a long
// relaxation, and what ψ does that window give? (Results: the README's W1 section.)
// Runs: W1 = 784-50-50-10 tanh, keep 0.9, MSE, loadMnist() train (8000 digits), init seed 1, then
//   approach: --approach dropout-SGD steps (batch 100, lr 0.1, seed 1) in chunks of --approach-chunk,
//     θ saved after each (skipped with --from θ.npy);
//   long phase: full-batch dropout GD (lr 0.1, seed 7) in chunks of --chunk steps, startStep carried
//     on, until --max-steps or --budget seconds; R_S, L_S and |Δθ| printed per chunk, θ saved per chunk;
//   window: engine.compareNoise, dropout only, lr 0.1, 500 burn-in steps, S = 40 samples every 25,
//     K = 15, c = 2, seed 1; flatness of R_S (primary) and of L_S (secondary, off with --no-secondary).
// Measures: the window's ψ [95 % interval], Spearman, drift ‖θ̄₂ − θ̄₁‖/√tr C and tr C; writes
//   window.json and theta-window-start.npy (the θ where the samples' schedule starts).
// Declared checks (fixed before the runs): the window is accepted as near-stationary when its drift
//   is ≤ 0.63; ψ is reported whatever it is, with no change of protocol, seed or window after seeing it.
//   P4: --approach 15000, long phase to the budget. P5: --approach 2000000 --max-steps 10000
//   --no-secondary, and its trend run from the θ at 1,000,000 approach steps:
//   node protocols/w1-long-window.mjs --backend wasm --approach 2000000 --max-steps 10000 --out w1-p5 --no-secondary
//   node protocols/w1-long-window.mjs --backend wasm --from w1-p5/theta-approach-1000000.npy --from-step 0 \
//     --max-steps 10000 --out w1-p5-1m --no-secondary
//   test/fixtures/w1-window-start.npy is the trend run's theta-window-start.npy (test/fixtures/README.md).
//   From a saved theta-long.npy, --from-step 10000 --max-steps 10000 runs only the window.
// Usage: node protocols/w1-long-window.mjs [--backend webgpu|wasm] [--budget S] [--max-steps N]
//          [--out DIR] [--from theta.npy --from-step N] [--no-secondary]
//          [--approach N] [--approach-chunk N] [--chunk N] [--window burnIn,S,every]   (needs a build)
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEngine, readNpy, writeNpy } from '../dist/index.js';
import { loadMnist } from '../dist/mnist.js';

const { values: a } = parseArgs({
  options: {
    backend: { type: 'string', default: 'auto' }, budget: { type: 'string', default: '1e9' },
    'max-steps': { type: 'string', default: '300000' }, out: { type: 'string', default: 'w1-long' },
    from: { type: 'string' }, 'from-step': { type: 'string', default: '0' }, chunk: { type: 'string', default: '10000' },
    approach: { type: 'string', default: '15000' }, 'approach-chunk': { type: 'string', default: '100000' }, 'no-secondary': { type: 'boolean', default: false }, window: { type: 'string', default: '500,40,25' },
  },
});
const budget = Number(a.budget), maxSteps = Number(a['max-steps']), chunk = Number(a.chunk);
mkdirSync(a.out, { recursive: true });
const t0 = performance.now();
const secs = () => (performance.now() - t0) / 1000;
const log = (s) => console.log(`[${secs().toFixed(1)} s] ${s}`);

const engine = await createEngine({ backend: a.backend });
log(`backend ${engine.backend}: ${engine.backendInfo.description} (${engine.backendInfo.reason})`);
const { train } = await loadMnist();
const data = engine.dataset(train);
const model = engine.mlp({ sizes: [784, 50, 50, 10], keep: 0.9, seed: 1 });
const save = (name, t) => writeFileSync(join(a.out, name), writeNpy(t, [t.length]));
const losses = async () => `R_S ${(await model.loss(data)).toFixed(6)}, L_S ${(await model.modifiedLoss(data)).value.toFixed(6)}`;

let step = 0;
if (a.from) {
  model.setParams(Float32Array.from(readNpy(readFileSync(a.from)).data));
  step = Number(a['from-step']);
  log(`from ${a.from} at long-phase step ${step}: ${await losses()}`);
} else {
  // In chunks (startStep carries the batch and mask streams on), θ saved after each.
  const total = Number(a.approach), each = Number(a['approach-chunk']);
  for (let done = 0; done < total;) {
    const n = Math.min(each, total - done);
    await engine.train(model, data, { lr: 0.1, steps: n, seed: 1, batchSize: 100, startStep: done, lossEvery: n, checkpointEvery: 0 });
    done += n;
    if (done < total) save(`theta-approach-${done}.npy`, await model.getParams());
    log(`approach step ${done}: ${await losses()}`);
  }
  save('theta-approach.npy', await model.getParams());
}

let prev = await model.getParams();
const phaseStart = secs();
while (step < maxSteps && secs() - phaseStart < budget) {
  const n = Math.min(chunk, maxSteps - step);
  await engine.train(model, data, { lr: 0.1, steps: n, seed: 7, startStep: step, lossEvery: n, checkpointEvery: 0 });
  step += n;
  const now = await model.getParams();
  let dd = 0, nn = 0;
  for (let i = 0; i < now.length; i++) { dd += (now[i] - prev[i]) ** 2; nn += now[i] ** 2; }
  prev = now;
  save(`theta-${step}.npy`, now);
  log(`long phase step ${step}: ${await losses()}, |Δθ| over the chunk ${Math.sqrt(dd).toExponential(3)} (|θ| ${Math.sqrt(nn).toFixed(3)})`);
}
save('theta-long.npy', prev);
writeFileSync(join(a.out, 'long-steps.txt'), `${step}\n`);

// The window (burn-in, S, spacing); other values only to smoke-test the script.
const [burnIn, S, every] = a.window.split(',').map(Number);
const r = await engine.compareNoise(model, data, {
  lr: 0.1, burnIn, samples: S, every, k: Math.min(15, S - 1), c: 2, seed: 1, methods: ['dropout'], keepSamples: true,
});
const m = r.methods[0];
save('theta-window-start.npy', m.start);
const show = (label, v) => log(`${label}: ψ = ${v.psi.toFixed(3)} [${v.interval.map((x) => x.toFixed(3)).join(', ')}], Spearman ${v.spearman.toFixed(3)}, ` +
  `${v.used} directions; σ² ${Array.from(v.variances, (x) => x.toExponential(2)).join(' ')}; F ${Array.from(v.flatness.flatness, (x) => x.toFixed(3)).join(' ')}`);
show('window, flatness of R_S', m);
log(`window drift ${m.drift.toFixed(3)} (near-stationary if ≤ 0.63), tr C ${m.totalVariance.toExponential(3)}, after ${step} long-phase steps`);
// L_S on W1 (two dropout layers) is a Monte Carlo estimate (64 masked passes a point): slow on a CPU.
const sec = a['no-secondary'] ? null : await engine.varianceFlatness(model, data, m.samples, S, { k: Math.min(15, S - 1), c: 2, of: 'modified', seed: 1 });
if (sec) show('window, flatness of L_S', sec);
writeFileSync(join(a.out, 'window.json'), JSON.stringify({
  longSteps: step, drift: m.drift, totalVariance: m.totalVariance,
  primary: { psi: m.psi, interval: m.interval, spearman: m.spearman, variances: Array.from(m.variances), flatness: Array.from(m.flatness.flatness) },
  secondary: sec && { psi: sec.psi, interval: sec.interval, spearman: sec.spearman, variances: Array.from(sec.variances), flatness: Array.from(sec.flatness.flatness) },
}, null, 1));
engine.dispose();
