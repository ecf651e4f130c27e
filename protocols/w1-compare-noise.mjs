// Protocol: trajectory noise compared on W1 (docs/math.md §6), on WASM.
// Runs: W1 (784-50-50-10, tanh, keep 0.9, MSE, 8000 MNIST digits, init seed 1); 40,000 dropout-SGD
//   steps (batch 100, lr 0.1, seed 1) to approach a minimum; then engine.compareNoise with lr 0.1,
//   400 burn-in steps, S = 40 samples every 4 steps, K = 15, c = 2, seed 1, for each method given
//   (default dropout, sgd, isotropic, gd).
// Measures: ψ with its bootstrap interval and Spearman ρ(F, σ²) per method; the stationarity checks
//   (training loss over the window's two halves; plain GD's spread against dropout's).
// Declared checks: none (a comparison; its numbers are read, not tested).
// Usage: node protocols/w1-compare-noise.mjs [methods, comma-separated]   (needs node scripts/build.mjs;
//   about 8 min on 2 loaded cores)
import { createEngine } from '../dist/index.js';
import { loadMnist } from '../dist/mnist.js';

const methods = (process.argv[2] ?? 'dropout,sgd,isotropic,gd').split(',');
const t0 = performance.now();
const elapsed = () => `${((performance.now() - t0) / 1000).toFixed(1)} s`;
const { train } = await loadMnist();
const engine = await createEngine({ backend: 'wasm' });
const model = engine.mlp({ sizes: [784, 50, 50, 10], keep: 0.9, seed: 1 });
const data = engine.dataset(train);
await engine.train(model, data, { lr: 0.1, steps: 40000, seed: 1, batchSize: 100, lossEvery: 1000 });
console.log(`θ₀ after the approach: R_S ${(await model.loss(data)).toFixed(5)} (${elapsed()})`);
let shown = 0;
const r = await engine.compareNoise(model, data, {
  lr: 0.1, burnIn: 400, samples: 40, every: 4, k: 15, c: 2, seed: 1, methods,
  onProgress: (done, total, method) => {
    if (done - shown >= total / 10 || done === total) { shown = done; console.log(`  ${method} ${done}/${total} (${elapsed()})`); }
  },
});
const m0 = r.matched;
console.log(`matched at θ₀: tr Σ_drop ${m0.dropoutVariance.toExponential(3)}, isotropic variance ${m0.isotropicVariance.toExponential(3)}, SGD batch ${m0.sgdBatch}`);
const halves = (l) => {
  const h = l.length / 2, mean = (a) => a.reduce((x, y) => x + y, 0) / a.length;
  return [mean(l.slice(0, h)), mean(l.slice(h))];
};
for (const m of r.methods) {
  const [a, b] = halves(m.losses);
  console.log(`${m.method}: ψ = ${m.psi.toFixed(2)} [${m.interval.map((v) => v.toFixed(2)).join(', ')}], Spearman ρ(F, σ²) ${m.spearman.toFixed(2)}, ` +
    `${m.used} directions, tr C ${m.totalVariance.toExponential(3)}, PC1 share ${(m.variances[0] / m.totalVariance).toFixed(3)}, ` +
    `drift ${m.drift.toFixed(2)}, training loss halves ${a.toFixed(5)} → ${b.toFixed(5)} (${((100 * (b - a)) / a).toFixed(1)}%)`);
}
const by = Object.fromEntries(r.methods.map((m) => [m.method, m]));
if (by.gd && by.dropout) console.log(`plain GD's spread / dropout's: ${(by.gd.totalVariance / by.dropout.totalVariance).toFixed(3)}`);
console.log(`done (${elapsed()})`);
engine.dispose();
