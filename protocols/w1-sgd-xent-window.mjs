// Exploratory pipeline check (not a declared protocol): does the code find Feng–Tu's inverse
// variance–flatness relation in their setting?
// Runs: W1's architecture with plain SGD (batch 50, lr 0.1, no dropout), softmax cross-entropy,
//   --steps steps for the loss to settle; then S = --samples trajectory samples every --every steps,
//   the same PCA, interval flatness (c = 2, of the training loss) and fit as the dropout windows.
//   --keep p < 1 trains and samples with dropout SGD instead; --loss mse for W1's loss.
// Measures: ψ over the top K directions, and over directions 2…K (under cross-entropy the weights'
//   norm keeps growing and PC1 is that drift); the variances and flatnesses per direction.
// Declared checks: none.
// Usage: node protocols/w1-sgd-xent-window.mjs [--steps N] [--batch B] [--samples S] [--every s]
//          [--keep p] [--loss xent|mse]   (needs a build; about 1.5 min on 2 cores)
import { parseArgs } from 'node:util';
import { createEngine, fitPsi } from '../dist/index.js';
import { loadMnist } from '../dist/mnist.js';

const { values: a } = parseArgs({
  options: {
    steps: { type: 'string', default: '200000' }, batch: { type: 'string', default: '50' },
    samples: { type: 'string', default: '40' }, every: { type: 'string', default: '200' },
    keep: { type: 'string', default: '1' }, loss: { type: 'string', default: 'xent' },
  },
});
const t0 = performance.now();
const el = () => `${((performance.now() - t0) / 1000).toFixed(0)} s`;
const engine = await createEngine({ backend: 'wasm' });
const { train } = await loadMnist();
const data = engine.dataset(train);
const model = engine.mlp({ sizes: [784, 50, 50, 10], keep: Number(a.keep), seed: 1, loss: a.loss });
const batchSize = Number(a.batch), S = Number(a.samples), every = Number(a.every), k = Math.min(15, S - 1);
await engine.train(model, data, { lr: 0.1, steps: Number(a.steps), seed: 1, batchSize, lossEvery: Number(a.steps) });
console.log(`after ${a.steps} SGD steps (keep ${a.keep}): ${a.loss} ${(await model.loss(data)).toExponential(3)} (${el()})`);
const run = await engine.train(model, data, { lr: 0.1, steps: S * every, seed: 2, batchSize, lossEvery: S * every, snapshotEvery: every });
const v = await engine.varianceFlatness(model, data, run.snapshots, S, { k, c: 2, seed: 3 });
const show = (label, f) => console.log(`${label}: ψ = ${f.psi.toFixed(2)} [${f.interval.map((z) => z.toFixed(2)).join(', ')}], Spearman ${f.spearman.toFixed(2)}`);
show(`S = ${S} every ${every}, directions 1…${k}`, v);
show(`directions 2…${k}`, fitPsi(v.flatness.flatness, v.variances, Array.from({ length: k - 1 }, (_, i) => i + 1), 1000, 3));
console.log(`σ² ${Array.from(v.variances, (z) => z.toExponential(1)).join(' ')}`);
console.log(`F  ${Array.from(v.flatness.flatness, (z) => z.toFixed(3)).join(' ')}  (${el()})`);
engine.dispose();
