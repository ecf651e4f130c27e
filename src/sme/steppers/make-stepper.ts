/**
 * The stepper of a run's method and noise, chosen once per run: it makes one stepper per batch size
 * and owns what the run's batches share (the frozen factor's workspace).
 */
import { isSme } from '../path-options.js';
import { driftStepper } from './drift.js';
import { FrozenFactorNoise, FrozenWorkspace } from './frozen-noise.js';
import { gdStepper } from './gd.js';
import { MaskPairs } from './mask-pairs.js';
import { NO_NOISE } from './noise-part.js';
import { sme1PairStepper } from './sme1-pairs.js';
import type { PathBatch, StepContext, Stepper } from './stepper.js';

export interface StepperFactory {
  forBatch(b: PathBatch): Stepper;
  dispose(): void;
}

export function stepperFactory(c: StepContext): StepperFactory {
  const method = c.o.method, none = () => {};
  if (!isSme(method)) return { forBatch: (b) => gdStepper(c, b), dispose: none };
  if (c.o.noise === 'mask-pair') {
    if (method === 'sme1') return { forBatch: (b) => sme1PairStepper(c, b), dispose: none };
    return { forBatch: (b) => driftStepper(c, b, method, new MaskPairs(c, b.paths, false)), dispose: none };
  }
  if (c.o.noise === 'frozen') {
    const ws = new FrozenWorkspace(c);
    return { forBatch: (b) => driftStepper(c, b, method, new FrozenFactorNoise(c, ws, b.paths)), dispose: () => ws.dispose() };
  }
  return { forBatch: (b) => driftStepper(c, b, method, NO_NOISE), dispose: none };
}
