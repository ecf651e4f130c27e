// What the packed-install test runs in Node, Deno and Chromium against the installed package, and
// in-process against the repository's dist/: every entry imported by its name, a short dropout-GD
// run on the sine task (WASM, plain SIMD build: bit-identical across the three runtimes) and the
// embedded digits' training split. Plain JavaScript, so that it runs unbuilt in each runtime.
import { createEngine, sineTask, VERSION } from 'dropout-sme';
import { loadMnist } from 'dropout-sme/mnist';
import { reproduceConfig } from 'dropout-sme/reproduce';
import { figureSpecs } from 'dropout-sme/report';

export async function probe() {
  const engine = await createEngine({ backend: 'wasm', simd: 'simd' });
  try {
    const model = engine.mlp({ sizes: [1, 16, 1], activation: 'tanh', keep: 0.9, seed: 1 });
    const data = engine.dataset(sineTask({ n: 32, seed: 1 }));
    const run = await engine.train(model, data, { lr: 0.1, steps: 100, seed: 1, lossEvery: 10 });
    const { train, test } = await loadMnist();
    return {
      version: VERSION,
      losses: Array.from(run.losses),
      mnist: { train: train.n, test: test.n, labelSum: train.labels.reduce((s, l) => s + l, 0) },
      quickSmeSteps: reproduceConfig({ preset: 'quick' }).sme.steps,
      reportEntry: typeof figureSpecs,
    };
  } finally {
    engine.dispose();
  }
}
