/**
 * The lab's worker: runs the reproduction off the page's thread (so the page stays responsive and
 * the WASM backend may block on its threads), one section at a time over a shared store, and
 * posts progress across all sections and the results after each section.
 */
import { createEngine, type Engine } from 'dropout-sme';
import {
  experimentsFor, memoryStore, planUnits, reproduce, reproduceConfig, type SectionName, type Unit,
} from 'dropout-sme/reproduce';
import type { RunRequest, WorkerMessage } from './messages.js';

const post = (m: WorkerMessage) => (self as unknown as Worker).postMessage(m);
const cost = (units: Unit[], keep: (u: Unit) => boolean) => units.filter(keep).reduce((s, u) => s + u.cost, 0);

async function run(req: RunRequest): Promise<void> {
  const options = { preset: req.preset, seed: req.seed, config: req.config };
  const config = reproduceConfig(options);
  const engine: Engine = await createEngine({ backend: req.backend, simd: req.simd });
  try {
    post({ type: 'backend', backend: engine.backend, description: engine.backendInfo.description, reason: engine.backendInfo.reason });
    const store = memoryStore();
    const plan = planUnits(experimentsFor(config, req.sections));
    const total = plan.reduce((s, u) => s + u.cost, 0);
    let lastPost = 0;
    const finished: SectionName[] = [];
    for (const section of req.sections) {
      // Units shared with an earlier section are already stored; count the rest from here.
      const before = cost(plan, (u) => store.get(u.key) !== undefined);
      const mine = planUnits(experimentsFor(config, [section]));
      const mineBefore = cost(mine, (u) => store.get(u.key) !== undefined);
      await reproduce(engine, {
        ...options, sections: [section], store,
        onProgress: (p) => {
          const now = performance.now();
          if (now - lastPost < 100 && p.unit !== '') return;
          lastPost = now;
          post({ type: 'progress', done: before + p.done - mineBefore, total, unit: p.unit });
        },
      });
      finished.push(section);
      // Every unit is stored: this only assembles the sections finished so far.
      const results = (await reproduce(engine, { ...options, sections: finished, store }))!;
      post({ type: 'section', section, results });
    }
    post({ type: 'done', results: (await reproduce(engine, { ...options, sections: req.sections, store }))! });
  } finally {
    engine.dispose();
  }
}

self.onmessage = (e: MessageEvent<RunRequest>) => {
  run(e.data).catch((err: unknown) => {
    const error = err instanceof Error ? err : new Error(String(err));
    post({ type: 'error', name: error.name, message: error.message });
  });
};
