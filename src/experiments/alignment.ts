/**
 * Hessian–variance alignment (docs/math.md §6, W3): α(H, Σ) at checkpoints of a dropout-GD run against
 * its null model, then at the end the top Hessian eigenpairs (λ_j, u_j) of R_S and the noise
 * variance along them, u_jᵀ Σ u_j = ‖Gᵀu_j‖² with the factor G of M mask gradients. One unit: the
 * training run is sequential.
 */
import type { AlignmentSection } from '../report/results.js';
import { spearman } from '../structure/stats.js';
import { factorProjectedVariance } from '../structure/alignment.js';
import { trackFactorSeed } from '../structure/alignment-track.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, finiteOrNull, type Experiment, type Json } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

/** Settings of the alignment section (docs/math.md §7.2). */
export interface AlignmentConfig {
  data: DataChoice;
  net: NetSpec;
  lr: number;
  steps: number;
  every: number;
  /** Mask samples M of each noise factor. */
  samples: number;
  nullSamples: number;
  probes: number;
  /** Hessian eigenpairs at the end. */
  eigenpairs: number;
  seed: number;
}

export function alignmentExperiment(c: AlignmentConfig): Experiment {
  const key = `align/${dataKey(c.data)}/${netKey(c.net)}/lr=${c.lr}/steps=${c.steps}/every=${c.every}/M=${c.samples}/null=${c.nullSamples}/probes=${c.probes}/k=${c.eigenpairs}/seed=${c.seed}`;
  const points = Math.floor(c.steps / c.every) + 1;
  return {
    name: 'alignment',
    units: [{
      key,
      cost: ((c.data.n ?? 8000) / 1000) * (0.005 * c.steps + points * (c.samples + 2 * c.probes) * 0.01 + 6 * c.eigenpairs * 0.01),
      async run(ctx): Promise<Json> {
        const data = await ctx.workloads.get(c.data);
        return withModel(ctx.engine, c.net, data, async (model) => {
          const track = await ctx.engine.alignmentOverTraining(model, data, {
            lr: c.lr, steps: c.steps, every: c.every, samples: c.samples, nullSamples: c.nullSamples, probes: c.probes, seed: c.seed, signal: ctx.signal,
            onProgress: (d, t) => ctx.progress(0.8 * d / t),
          });
          const eig = await ctx.engine.hessianEigen(model, data, { k: c.eigenpairs, seed: c.seed, of: 'loss', signal: ctx.signal });
          ctx.progress(0.95);
          // The track's factor stream (M draws per checkpoint), continued past its last draw.
          const f = await ctx.engine.noiseFactor(model, data, { samples: c.samples, seed: trackFactorSeed(c.seed), stepOffset: points * c.samples, signal: ctx.signal });
          return {
            steps: Array.from(track.steps), alpha: Array.from(track.alpha), nullMean: Array.from(track.nullMean),
            nullSd: Array.from(track.nullSd), loss: Array.from(track.loss),
            eigenvalues: Array.from(eig.values),
            projectedVariance: factorProjectedVariance(f.factor, c.samples, eig.vectors, eig.values.length, model.size),
          };
        });
      },
    }],
    aggregate(get): AlignmentSection {
      const r = get(key) as Record<string, Json>;
      const values = numbers(r.eigenvalues, 'eigenvalues'), proj = numbers(r.projectedVariance, 'projectedVariance');
      return {
        workload: `${dataKey(c.data)} · ${netKey(c.net)}`,
        steps: numbers(r.steps, 'steps'), alpha: numbers(r.alpha, 'alpha'), nullMean: numbers(r.nullMean, 'nullMean'),
        nullSd: numbers(r.nullSd, 'nullSd'), loss: numbers(r.loss, 'loss'),
        eigenvalues: values, projectedVariance: proj, spearman: finiteOrNull(spearman(values, proj)) as number,
      };
    },
  };
}
