/**
 * The order-1 SME with mask pairs (docs/math.md §4.4) in one pass of 1 + 2Mr blocks: block 0 unmasked
 * with the penalty, weight −h (the drift −h∇L_S), then the mask pairs (mask-pairs.ts), so the pass
 * sums to −h∇L_S + √(εh)ζ.
 */
import { ownedTensors } from '../../model/owned-tensors.js';
import { passBackward, passForward, passLossHead } from '../path-pass.js';
import { MaskPairs } from './mask-pairs.js';
import type { PathBatch, PathSources, StepContext, Stepper } from './stepper.js';

export function sme1PairStepper(c: StepContext, b: PathBatch): Stepper {
  const { k, model, data } = c;
  const owned = ownedTensors(k);
  const update = owned.make(b.paths * model.size);
  const pairs = new MaskPairs(c, b.paths, true);
  const spec = { weight: 'per-block', masked: true, penalty: -c.h * c.penalty } as const;
  return {
    step(t: number, sources: PathSources): void {
      pairs.prepare(t, sources);
      passForward(k, model, data, pairs.pass, b.theta, true);
      passLossHead(k, model, data, pairs.pass, null);
      passBackward(k, model, data, pairs.pass, b.theta, update, spec);
      k.axpy(1, update, b.theta);
    },
    dispose(): void {
      pairs.dispose();
      owned.dispose();
    },
  };
}
