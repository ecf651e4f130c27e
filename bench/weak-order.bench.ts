/**
 * The certified weak-order study's cost: the default preset's W4 study (both orders; T = 0.2,
 * ε = 0.1 … 0.01, SME at h, h/2, h/4 with Richardson and antithetic pairs, 800 SME and 40,000
 * dropout-GD paths per ε), against the study it replaced (T = 2, ε = 0.2 … 0.025, Euler–Maruyama at
 * h = ε/4, 4 mask pairs, 2,000 paths per ε for each method), run in the same process on the same
 * engine. The replaced study is run through engine.simulate with its old settings, which is the
 * work it did. Each study runs once (a few minutes on 2 cores); --quick runs the quick preset's
 * ladder instead. It also says where the certified study's time goes: dropout GD, the SME levels.
 */
import { sineTask } from '../src/data/synthetic.js';
import type { Engine } from '../src/engine.js';
import { preset } from '../src/experiments/presets.js';
import { QUICK, log, perBackend, type Row, JSON_OUT } from './_common.js';

const now = () => performance.now();

async function studies(engine: Engine): Promise<Row[]> {
  const c = preset(QUICK ? 'quick' : 'default', 1).weakOrder;
  const data = engine.dataset(sineTask({ n: c.data.n ?? 20, seed: 1 }));
  const model = engine.mlp({ sizes: [1, ...c.net.hidden, 1], activation: c.net.activation, keep: c.net.keep, seed: c.net.init });
  try {
    // The replaced study: T = 2, h = ε/4, 4 pairs, the same paths for dropout GD and each SME.
    const oldLrs = QUICK ? [0.2, 0.1] : [0.2, 0.1, 0.05, 0.025], oldPaths = QUICK ? 300 : 2000;
    let t0 = now();
    for (const [i, lr] of oldLrs.entries()) {
      const steps = Math.round(2 / lr);
      for (const method of ['dropout-gd', 'sme1', 'sme2'] as const) {
        await engine.simulate(model, data, { method, lr, steps, paths: oldPaths, seed: 1 + i, recordEvery: steps, ...(method === 'dropout-gd' ? {} : { substeps: 4, pairs: 4 }) });
      }
    }
    const oldS = (now() - t0) / 1000;
    log(`  replaced study (T = 2, h = ε/4, ε = ${oldLrs.join(', ')}, ${oldPaths} paths per method): ${oldS.toFixed(1)} s`);
    // The certified study, both orders, timed by part: dropout GD once per ε (the reproduction
    // shares those cells between the orders), the SME's three Richardson levels per order.
    // The drift-dominated regime's study (the preset's first regime), as the replaced study was one regime.
    const time = c.times[0]!;
    let gdS = 0;
    const smeS = { 1: 0, 2: 0 };
    t0 = now();
    for (const [i, lr] of c.lrs.entries()) {
      const steps = Math.round(time / lr);
      let t = now();
      await engine.simulate(model, data, { method: 'dropout-gd', lr, steps, paths: c.gdPaths, seed: c.seed + i, recordEvery: steps });
      gdS += (now() - t) / 1000;
      for (const order of [1, 2] as const) {
        t = now();
        await engine.simulateRichardson(model, data, { method: order === 1 ? 'sme1' : 'sme2', lr, steps, step: c.step, paths: c.paths, pairs: c.pairs, seed: c.seed + i });
        smeS[order] += (now() - t) / 1000;
      }
    }
    const newS = (now() - t0) / 1000;
    log(`  certified study (T = ${time}, h = ${c.step}, ε = ${c.lrs.join(', ')}, ${c.paths} SME / ${c.gdPaths} dropout-GD paths): ${newS.toFixed(1)} s`);
    log(`    of which dropout GD ${gdS.toFixed(1)} s, SME order 1 ${smeS[1].toFixed(1)} s, SME order 2 ${smeS[2].toFixed(1)} s (levels h, h/2, h/4 with 9, 5, 3 pass blocks a sub-step)`);
    log(`  ratio: the certified study takes ${(newS / oldS).toFixed(2)}× the replaced one`);
    return [{ name: 'certified W4 weak-order study (both orders)', backend: engine.backend, value: newS, unit: 's', peer: 'replaced study (h = ε/4, T = 2)', peerValue: oldS, ratio: newS / oldS }];
  } finally {
    model.dispose();
    data.dispose();
  }
}

log('Weak-order study on W4 (1-16-1 tanh, keep 0.9, sine n = 20): seconds per whole study, WASM only (the study is small-net work)');
const rows = [...(await perBackend(async (e) => (e.backend === 'wasm' ? studies(e) : []))).values()].flat();
if (JSON_OUT) console.log(JSON.stringify(rows));
