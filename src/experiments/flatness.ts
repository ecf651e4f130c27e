/**
 * The inverse variance–flatness relation (SPEC §6, W1), dropout and SGD side by side: θ* from a
 * dropout-GD burn-in (a unit of its own that the others need), then
 * - trajectory samples: S snapshots every s steps while dropout GD (or SGD with the batch that
 *   matches dropout's noise magnitude at θ*) continues from θ*;
 * - gradient samples: θ* plus M mask gradients (dropout's noise at θ*), flatness measured at θ*.
 * Each run: PCA, interval flatness along the top K directions, ψ with its bootstrap interval.
 */
import type { FlatnessRun, FlatnessSection } from '../report/results.js';
import type { Mlp } from '../model/mlp.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Engine } from '../engine.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, finiteOrNull, type Experiment, type Json, type Unit, type UnitContext } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

export interface FlatnessConfig {
  data: DataChoice;
  net: NetSpec;
  lr: number;
  /** Dropout-GD steps from the initialisation to θ*. */
  burnIn: number;
  /** Trajectory samples S and their spacing s (steps). */
  samples: number;
  spacing: number;
  /** Top directions K. */
  directions: number;
  /** Flatness threshold c. */
  threshold: number;
  /** Mask gradients M of the gradient samples. */
  gradientSamples: number;
  seed: number;
}

type RunKind = { method: 'dropout' | 'sgd'; kind: 'trajectory' } | { method: 'dropout'; kind: 'gradient' };
const RUNS: RunKind[] = [
  { method: 'dropout', kind: 'trajectory' },
  { method: 'sgd', kind: 'trajectory' },
  { method: 'dropout', kind: 'gradient' },
];

/** θ* after the burn-in, and the model positioned there. */
async function atThetaStar(ctx: UnitContext, theta: Unit, model: Mlp): Promise<Float32Array> {
  const stored = (await ctx.need(theta)) as { theta: Json };
  const t = Float32Array.from(numbers(stored.theta, 'theta'));
  model.setParams(t);
  return t;
}

async function samplesOf(engine: Engine, model: Mlp, data: DeviceDataset, c: FlatnessConfig, r: RunKind, progress: (f: number) => void) {
  const d = model.size;
  if (r.kind === 'gradient') {
    const m = c.gradientSamples;
    const f = await engine.noiseFactor(model, data, { samples: m, seed: c.seed + 1, stepOffset: 0 });
    // g_j = ḡ + √(M − 1)·(column j of the factor); the samples are θ* + g_j (a shift PCA ignores).
    const g = new Float32Array(m * d);
    for (let j = 0; j < m; j++) for (let i = 0; i < d; i++) g[j * d + i] = f.mean[i]! + Math.sqrt(m - 1) * f.factor[i * m + j]!;
    return { samples: g, count: m, extra: {} };
  }
  const steps = c.samples * c.spacing;
  let batch: number | undefined, extra: Record<string, number> = {};
  if (r.method === 'sgd') {
    const matched = await engine.matchedNoise(model, data, { seed: c.seed + 2 });
    batch = matched.sgdBatch;
    extra = { batch };
  }
  const t = await engine.train(model, data, {
    lr: c.lr, steps, seed: c.seed, startStep: c.burnIn, snapshotEvery: c.spacing, lossEvery: steps,
    ...(r.method === 'sgd' ? { dropout: false, batchSize: batch! } : {}),
    onProgress: (done, total) => progress(0.6 * done / total),
  });
  return { samples: t.snapshots!, count: c.samples, extra };
}

export function flatnessExperiment(c: FlatnessConfig): Experiment {
  const base = `flat/${dataKey(c.data)}/${netKey(c.net)}/lr=${c.lr}/burn=${c.burnIn}/seed=${c.seed}`;
  const scale = (c.data.n ?? 8000) / 1000;
  const theta: Unit = {
    key: `${base}/theta`,
    cost: 0.006 * scale * c.burnIn,
    run: async (ctx) => {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, c.net, data, async (model) => {
        await ctx.engine.train(model, data, { lr: c.lr, steps: c.burnIn, seed: c.seed, lossEvery: c.burnIn, onProgress: (d, t) => ctx.progress(d / t) });
        return { theta: Array.from(await model.getParams()) };
      });
    },
  };
  const runKey = (r: RunKind) => `${base}/S=${c.samples}x${c.spacing}/M=${c.gradientSamples}/K=${c.directions}/c=${c.threshold}/${r.method}-${r.kind}`;
  const runs: Unit[] = RUNS.map((r) => ({
    key: runKey(r),
    cost: scale * (r.kind === 'trajectory' ? 0.006 * c.samples * c.spacing : 0.01 * c.gradientSamples) + scale * 0.004 * 30 * c.directions,
    run: async (ctx) => {
      const data = await ctx.workloads.get(c.data);
      return withModel(ctx.engine, c.net, data, async (model) => {
        const star = await atThetaStar(ctx, theta, model);
        const s = await samplesOf(ctx.engine, model, data, c, r, ctx.progress);
        model.setParams(star);
        const vf = await ctx.engine.varianceFlatness(model, data, s.samples, s.count, {
          k: Math.min(c.directions, s.count - 1), c: c.threshold, seed: c.seed,
          ...(r.kind === 'gradient' ? { centre: star } : {}),
          onProgress: (d, t) => ctx.progress(0.6 + 0.4 * d / t),
        });
        return {
          variances: Array.from(vf.variances), flatness: Array.from(vf.flatness.flatness, (v) => finiteOrNull(v)),
          psi: vf.psi, interval: vf.interval, spearman: vf.spearman, samples: s.count, ...s.extra,
        };
      });
    },
  }));
  return {
    name: 'flatness',
    units: [theta, ...runs],
    aggregate(get): FlatnessSection {
      return {
        workload: `${dataKey(c.data)} · ${netKey(c.net)}`, threshold: c.threshold,
        runs: RUNS.map((r): FlatnessRun => {
          const v = get(runKey(r)) as Record<string, Json>;
          const interval = numbers(v.interval, 'interval');
          return {
            method: r.method, kind: r.kind, variances: numbers(v.variances, 'variances'),
            flatness: (v.flatness as (number | null)[]), psi: v.psi as number,
            interval: [interval[0]!, interval[1]!], spearman: v.spearman as number, samples: v.samples as number,
          };
        }),
      };
    },
  };
}
