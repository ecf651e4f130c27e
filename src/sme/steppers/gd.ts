/**
 * Dropout GD, GD on L_S and GD on R_S (docs/math.md §4.4): one pass of 1 block at Θ, weight −ε,
 * masked for dropout GD (the draw { seed_p, step: t }), with the L_S penalty for GD on L_S.
 */
import { ownedTensors } from '../../model/owned-tensors.js';
import { passBackward, passForward, passLossHead } from '../path-pass.js';
import type { PathBatch, PathSources, StepContext, Stepper } from './stepper.js';

export function gdStepper(c: StepContext, b: PathBatch): Stepper {
  const { k, model, data } = c;
  const owned = ownedTensors(k);
  const update = owned.make(b.paths * model.size);
  const masked = c.o.method === 'dropout-gd' && model.keep < 1;
  const spec = { weight: -c.eps, masked, penalty: -c.eps * c.penalty };
  return {
    step(t: number, sources: PathSources): void {
      if (masked) {
        sources.forEach(({ seed }, i) => c.masks.draw(b.one, i, 0, seed, t));
        c.masks.upload(b.one);
      }
      passForward(k, model, data, b.one, b.theta, masked);
      passLossHead(k, model, data, b.one, null);
      passBackward(k, model, data, b.one, b.theta, update, spec);
      k.axpy(1, update, b.theta);
    },
    dispose: owned.dispose,
  };
}
