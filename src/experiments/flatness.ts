/**
 * The inverse variance–flatness relation (SPEC §6, W1), dropout beside SGD and isotropic noise:
 * θ* from a dropout-SGD approach from the initialisation (cheap steps, so training gets near a
 * minimum; a unit of its own that the others need), then
 * - trajectory samples (engine.compareNoise): from θ*, each method settles for a few full-batch
 *   steps, then S snapshots every s steps; SGD's batch and the isotropic variance match dropout's
 *   noise magnitude at θ*; the samples' drift (stationarity) is kept beside ψ;
 * - gradient samples: θ* plus M mask gradients (dropout's noise at θ*), flatness measured at θ*.
 * Each run: PCA, interval flatness along the top K directions, ψ with its bootstrap interval.
 */
import type { FlatnessRun, FlatnessSection } from '../report/results.js';
import type { Mlp } from '../model/mlp.js';
import type { NoiseMethod } from '../structure/compare-noise.js';
import { factorSamples } from '../noise/noise-factor.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, finiteOrNull, type Experiment, type Json, type Unit, type UnitContext } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

export interface FlatnessConfig {
  data: DataChoice;
  net: NetSpec;
  lr: number;
  /** The approach to θ*: dropout SGD steps from the initialisation, on mini-batches of approachBatch. */
  burnIn: number;
  approachBatch: number;
  /** Full-batch steps each method runs from θ* before sampling (its own noise level settles). */
  settle: number;
  /** Trajectory samples S and their spacing s (steps). */
  samples: number;
  spacing: number;
  /** Top directions K. */
  directions: number;
  /** Flatness threshold c. */
  threshold: number;
  /** Mask gradients M of the gradient samples. */
  gradientSamples: number;
  /** Trajectory methods compared (SPEC §6): 'dropout', 'sgd', 'isotropic', 'gd'. */
  methods: NoiseMethod[];
  seed: number;
}

type RunKind = { method: NoiseMethod; kind: 'trajectory' } | { method: 'dropout'; kind: 'gradient' };

/** θ* after the approach, and the model positioned there. */
async function atThetaStar(ctx: UnitContext, theta: Unit, model: Mlp): Promise<Float32Array> {
  const stored = (await ctx.need(theta)) as { theta: Json };
  const t = Float32Array.from(numbers(stored.theta, 'theta'));
  model.setParams(t);
  return t;
}

const runJson = (variances: Float64Array, flatness: Float64Array, psi: number, interval: [number, number], spearman: number, samples: number, extra: Record<string, number>) => ({
  variances: Array.from(variances), flatness: Array.from(flatness, (v) => finiteOrNull(v)), psi, interval, spearman, samples, ...extra,
});

export function flatnessExperiment(c: FlatnessConfig): Experiment {
  const base = `flat/${dataKey(c.data)}/${netKey(c.net)}/lr=${c.lr}/approach=${c.burnIn}x${c.approachBatch}/seed=${c.seed}`;
  const n = c.data.n ?? 8000, scale = n / 1000;
  const theta: Unit = {
    key: `${base}/theta`,
    cost: c.burnIn * (0.0005 + 0.006 * Math.min(c.approachBatch, n) / 1000) + 0.5,
    run: async (ctx) => {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, c.net, data, async (model) => {
        await ctx.engine.train(model, data, {
          lr: c.lr, steps: c.burnIn, seed: c.seed, lossEvery: Math.max(1, c.burnIn), batchSize: Math.min(c.approachBatch, data.n), signal: ctx.signal,
          onProgress: (d, t) => ctx.progress(d / t),
        });
        return { theta: Array.from(await model.getParams()) };
      });
    },
  };
  const runs: RunKind[] = [...c.methods.map((method) => ({ method, kind: 'trajectory' as const })), { method: 'dropout', kind: 'gradient' }];
  const runKey = (r: RunKind) => `${base}/settle=${c.settle}/S=${c.samples}x${c.spacing}/M=${c.gradientSamples}/K=${c.directions}/c=${c.threshold}/${r.method}-${r.kind}`;
  const flatCost = scale * 0.006 * 30 * c.directions;
  const units: Unit[] = runs.map((r) => ({
    key: runKey(r),
    cost: flatCost + scale * (r.kind === 'trajectory' ? 0.006 * (c.settle + c.samples * c.spacing) : 0.01 * c.gradientSamples),
    run: async (ctx) => {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, c.net, data, async (model) => {
        const star = await atThetaStar(ctx, theta, model);
        if (r.kind === 'trajectory') {
          const cmp = await ctx.engine.compareNoise(model, data, {
            lr: c.lr, burnIn: c.settle, samples: c.samples, every: c.spacing, k: Math.min(c.directions, c.samples - 1), c: c.threshold,
            seed: c.seed, methods: [r.method], signal: ctx.signal, onProgress: (d, t) => ctx.progress(d / t),
          });
          const m = cmp.methods[0]!;
          return runJson(m.variances, m.flatness.flatness, m.psi, m.interval, m.spearman, c.samples, {
            drift: m.drift, batch: m.settings.batchSize, isotropicNoise: m.settings.isotropicNoise,
          });
        }
        // Dropout's gradient samples at θ*: the M mask gradients.
        const g = factorSamples(await ctx.engine.noiseFactor(model, data, { samples: c.gradientSamples, seed: c.seed + 1, stepOffset: 0, signal: ctx.signal }));
        ctx.progress(0.4);
        const vf = await ctx.engine.varianceFlatness(model, data, g, c.gradientSamples, {
          k: Math.min(c.directions, c.gradientSamples - 1), c: c.threshold, seed: c.seed, centre: star, signal: ctx.signal,
          onProgress: (d, t) => ctx.progress(0.4 + 0.6 * d / t),
        });
        return runJson(vf.variances, vf.flatness.flatness, vf.psi, vf.interval, vf.spearman, c.gradientSamples, {});
      });
    },
  }));
  return {
    name: 'flatness',
    units: [theta, ...units],
    aggregate(get): FlatnessSection {
      return {
        workload: `${dataKey(c.data)} · ${netKey(c.net)}`, threshold: c.threshold,
        runs: runs.map((r): FlatnessRun => {
          const v = get(runKey(r)) as Record<string, Json>;
          const interval = numbers(v.interval, 'interval');
          return {
            method: r.method, kind: r.kind, variances: numbers(v.variances, 'variances'),
            flatness: v.flatness as (number | null)[], psi: v.psi as number,
            interval: [interval[0]!, interval[1]!], spearman: v.spearman as number, samples: v.samples as number,
            ...(typeof v.drift === 'number' ? { drift: v.drift } : {}),
          };
        }),
      };
    },
  };
}
