/**
 * The inverse variance–flatness relation (docs/math.md §6, W1), dropout beside SGD and isotropic noise:
 * θ* from a dropout-SGD approach from the initialisation (cheap steps, so training gets near a
 * minimum; a unit of its own that the others need), then
 * - trajectory samples (engine.compareNoise): from θ*, each method settles for a few full-batch
 *   steps, then S snapshots every s steps; SGD's batch and the isotropic variance match dropout's
 *   noise magnitude at θ*; the samples' drift (stationarity) is kept beside ψ;
 * - gradient samples: θ* plus M mask gradients (dropout's noise at θ*), flatness measured at θ*.
 * Each run: PCA, interval flatness along the top K directions, ψ with its bootstrap interval.
 * The dropout trajectory window also gets its linear-response prediction (engine.predictWindow)
 * in the bases of `predict`. Everything runs once per keep probability of `keeps`.
 */
import type { FlatnessPrediction, FlatnessRun, FlatnessSection, PsiFitJson } from '../report/results.js';
import type { Mlp } from '../model/mlp.js';
import type { NoiseMethod } from '../structure/compare-noise.js';
import type { PredictionBasis, PsiFit, WindowPrediction } from '../structure/window-prediction.js';
import { ArgumentError } from '../errors.js';
import { factorSamples } from '../noise/noise-factor.js';
import { netKey, withModel, type NetSpec } from './model-spec.js';
import { numbers, finiteOrNull, type Experiment, type Json, type Unit, type UnitContext } from './units.js';
import { dataKey, type DataChoice } from './workloads.js';

/** Settings of the flatness section (docs/math.md §7.2). */
export interface FlatnessConfig {
  data: DataChoice;
  /** The network; its keep is replaced by each of `keeps` in turn. */
  net: NetSpec;
  /** Keep probabilities the whole section runs at (θ*, every method, the prediction). */
  keeps: number[];
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
  /** Trajectory methods compared (docs/math.md §6): 'dropout', 'sgd', 'isotropic', 'gd'. */
  methods: NoiseMethod[];
  /**
   * Bases of the linear-response prediction of the dropout trajectory window: 'pca', 'hessian',
   * 'pca,hessian', or 'none' to skip it; with its noise factor's mask gradients M and the mask draws
   * per HVP of L_S (where L_S has no closed form).
   */
  predict: string;
  predictNoiseSamples: number;
  predictHvpSamples: number;
  seed: number;
}

/** The bases named by a `predict` setting ('none' → none), or an ArgumentError naming `name`. */
export function predictionBases(v: unknown, name = 'predict'): PredictionBasis[] {
  const expect = "'pca', 'hessian', 'pca,hessian' or 'none'";
  if (typeof v !== 'string') throw new ArgumentError(name, expect, v);
  if (v.trim() === 'none') return [];
  const list = v.split(',').map((b) => b.trim());
  if (list.some((b) => b !== 'pca' && b !== 'hessian') || new Set(list).size !== list.length) throw new ArgumentError(name, expect, v);
  return list as PredictionBasis[];
}

type RunKind = { method: NoiseMethod; kind: 'trajectory' } | { method: 'dropout'; kind: 'gradient' };

/** θ* after the approach, and the model positioned there. */
async function atThetaStar(ctx: UnitContext, theta: Unit, model: Mlp): Promise<Float32Array> {
  const stored = (await ctx.need(theta)) as { theta: Json };
  const t = Float32Array.from(numbers(stored.theta, 'theta'));
  model.setParams(t);
  return t;
}

const runJson = (variances: Float64Array, flatness: Float64Array, psi: number, interval: [number, number], spearman: number, samples: number, extra: Record<string, Json>) => ({
  variances: Array.from(variances), flatness: Array.from(flatness, (v) => finiteOrNull(v)), psi, interval, spearman, samples, ...extra,
});

const fitJson = (f: PsiFit): PsiFitJson => ({
  psi: finiteOrNull(f.psi), interval: Number.isFinite(f.interval[0]) && Number.isFinite(f.interval[1]) ? f.interval : null,
  spearman: finiteOrNull(f.spearman), used: f.used,
});

const diagonalOf = (m: Float64Array, k: number) => Array.from({ length: k }, (_, i) => finiteOrNull(m[i * k + i]!));

function predictionJson(p: WindowPrediction, lr: number, span: number): FlatnessPrediction {
  const list = (v: ArrayLike<number>) => Array.from(v, (x) => finiteOrNull(x));
  return {
    basis: p.basis, lr, span, flatness: list(p.flatness), measured: list(p.measured), window: list(p.window),
    stationary: p.stationary ? list(p.stationary) : null, curvature: diagonalOf(p.curvature, p.k), noise: diagonalOf(p.noise, p.k),
    eigenvalues: list(p.eigenvalues), unstable: list(p.unstable),
    fits: { measured: fitJson(p.measuredFit), window: fitJson(p.windowFit), stationary: p.stationaryFit ? fitJson(p.stationaryFit) : null },
    agreement: { medianRatio: finiteOrNull(p.agreement.medianRatio), spearman: finiteOrNull(p.agreement.spearman) },
    noiseScaling: {
      exponent: finiteOrNull(p.noiseScaling.exponent), used: p.noiseScaling.used,
      interval: p.noiseScaling.interval.every(Number.isFinite) ? p.noiseScaling.interval : null,
    },
  };
}

export function flatnessExperiment(c: FlatnessConfig): Experiment {
  const bases = predictionBases(c.predict, 'config.flatness.predict');
  const n = c.data.n ?? 8000, scale = n / 1000;
  const K = Math.min(c.directions, c.samples - 1);
  const runs: RunKind[] = [...c.methods.map((method) => ({ method, kind: 'trajectory' as const })), { method: 'dropout', kind: 'gradient' }];
  const predicts = (r: RunKind) => r.method === 'dropout' && r.kind === 'trajectory' && bases.length > 0;
  const at = (keep: number) => {
    const net = { ...c.net, keep };
    const base = `flat/${dataKey(c.data)}/${netKey(net)}/lr=${c.lr}/approach=${c.burnIn}x${c.approachBatch}/seed=${c.seed}`;
    const theta: Unit = {
      key: `${base}/theta`,
      cost: c.burnIn * (0.0005 + 0.006 * Math.min(c.approachBatch, n) / 1000) + 0.5,
      run: async (ctx) => {
        const data = await ctx.workloads.get(c.data);
        return withModel(ctx.engine, net, data, async (model) => {
          await ctx.engine.train(model, data, {
            lr: c.lr, steps: c.burnIn, seed: c.seed, lossEvery: Math.max(1, c.burnIn), batchSize: Math.min(c.approachBatch, data.n), signal: ctx.signal,
            onProgress: (d, t) => ctx.progress(d / t),
          });
          return { theta: Array.from(await model.getParams()) };
        });
      },
    };
    const runKey = (r: RunKind) => `${base}/settle=${c.settle}/S=${c.samples}x${c.spacing}/M=${c.gradientSamples}/K=${c.directions}/c=${c.threshold}/${r.method}-${r.kind}`
      + (predicts(r) ? `/predict=${bases.join(',')}/M=${c.predictNoiseSamples}/hvp=${c.predictHvpSamples}` : '');
    const flatCost = scale * 0.006 * 30 * c.directions;
    // The prediction: M mask gradients and K HVPs of L_S (hvpSamples passes each), per basis; the
    // Hessian basis adds its Lanczos steps and its own flatness.
    const predictCost = bases.reduce((a, b) => a + scale * (0.01 * c.predictNoiseSamples + 0.015 * K * c.predictHvpSamples)
      + (b === 'hessian' ? scale * 0.015 * Math.max(2 * K + 10, 40) * c.predictHvpSamples + flatCost : 0), 0);
    const units: Unit[] = runs.map((r) => ({
      key: runKey(r),
      cost: flatCost + scale * (r.kind === 'trajectory' ? 0.006 * (c.settle + c.samples * c.spacing) : 0.01 * c.gradientSamples) + (predicts(r) ? predictCost : 0),
      run: async (ctx) => {
        const data = await ctx.workloads.get(c.data);
        return withModel(ctx.engine, net, data, async (model) => {
          const star = await atThetaStar(ctx, theta, model);
          if (r.kind === 'trajectory') {
            const share = predicts(r) ? 0.5 : 1;
            const cmp = await ctx.engine.compareNoise(model, data, {
              lr: c.lr, burnIn: c.settle, samples: c.samples, every: c.spacing, k: K, c: c.threshold,
              seed: c.seed, methods: [r.method], keepSamples: predicts(r), signal: ctx.signal, onProgress: (d, t) => ctx.progress(share * d / t),
            });
            const m = cmp.methods[0]!;
            const predictions: FlatnessPrediction[] = [];
            for (const [bi, basis] of (predicts(r) ? bases : []).entries()) {
              // The window started at θ* (compareNoise's θ₀); the PCA basis reuses the measured flatness.
              const p = await ctx.engine.predictWindow(model, data, m.samples!, c.samples, {
                lr: c.lr, start: star, settle: c.settle, every: c.spacing, basis, k: K, c: c.threshold, seed: c.seed,
                noiseSamples: c.predictNoiseSamples, hvpSamples: c.predictHvpSamples,
                ...(basis === 'pca' ? { flatness: m.flatness.flatness } : {}),
                onProgress: (d, t) => ctx.progress(share + (1 - share) * (bi + d / t) / bases.length),
              });
              predictions.push(predictionJson(p, c.lr, c.settle + c.samples * c.spacing));
            }
            return runJson(m.variances, m.flatness.flatness, m.psi, m.interval, m.spearman, c.samples, {
              drift: m.drift, batch: m.settings.batchSize, isotropicNoise: m.settings.isotropicNoise,
              ...(predicts(r) ? { predictions: predictions as unknown as Json } : {}),
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
    const aggregate = (get: (key: string) => Json) => runs.map((r): FlatnessRun => {
      const v = get(runKey(r)) as Record<string, Json>;
      const interval = numbers(v.interval, 'interval');
      return {
        method: r.method, kind: r.kind, keep, variances: numbers(v.variances, 'variances'),
        flatness: v.flatness as (number | null)[], psi: v.psi as number,
        interval: [interval[0]!, interval[1]!], spearman: v.spearman as number, samples: v.samples as number,
        ...(typeof v.drift === 'number' ? { drift: v.drift } : {}),
        ...(Array.isArray(v.predictions) ? { predictions: v.predictions as unknown as FlatnessPrediction[] } : {}),
      };
    });
    return { units: [theta, ...units], aggregate };
  };
  const perKeep = c.keeps.map(at);
  return {
    name: 'flatness',
    units: perKeep.flatMap((k) => k.units),
    aggregate(get): FlatnessSection {
      return {
        workload: `${dataKey(c.data)} · ${c.net.hidden.join('-')}/${c.net.activation}/keep=${c.keeps.join(',')}/init=${c.net.init}`,
        threshold: c.threshold,
        runs: perKeep.flatMap((k) => k.aggregate(get)),
      };
    },
  };
}
