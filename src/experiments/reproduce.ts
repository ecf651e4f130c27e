/**
 * The reproduction as one call, for programs and the browser lab: runs the chosen sections of a
 * preset (with overrides) on an engine and returns results.json's object. Pass a store to keep
 * finished units (a resumed call skips them) and a shard to run a part (then `null` is returned:
 * the store holds the shard's units, to be combined and assembled later).
 */
import type { HostDataset } from '../data/dataset-types.js';
import type { Engine } from '../engine.js';
import type { Results } from '../report/results.js';
import { applyOverrides, checkConfig } from './config.js';
import { checkMemory, checkSettings, memoryBudget } from './limits.js';
import { experimentsFor, SECTIONS, withCustomData, type SectionName } from './sections.js';
import { preset as presetConfig, PRESETS, type PresetName, type ReproduceConfig } from './presets.js';
import { provenance } from './provenance.js';
import { assemble, memoryStore, runUnits, type Progress, type Shard, type UnitStore } from './runner.js';
import { Workloads } from './workloads.js';
import { ArgumentError } from '../errors.js';
import { PATH_METHODS, SME_METHODS } from '../sme/simulate.js';
import { NOISE_METHODS } from '../structure/compare-noise.js';
import { predictionBases } from './flatness.js';

/** Options of {@link reproduce}. */
export interface ReproduceOptions {
  preset?: PresetName;
  seed?: number;
  /** Overrides of the preset's settings (as a --config file holds them). */
  config?: Record<string, unknown>;
  sections?: readonly SectionName[];
  /** Your own data set in place of the embedded ones. */
  data?: HostDataset;
  store?: UnitStore;
  shard?: Shard;
  onProgress?: (p: Progress) => void;
  /** Stops the run between steps once aborted (finished units stay in the store). */
  signal?: AbortSignal;
}

/** The configuration a reproduce call runs with. */
export function reproduceConfig(o: ReproduceOptions = {}): ReproduceConfig {
  const name = o.preset ?? 'default';
  if (!PRESETS.includes(name)) throw new ArgumentError('options.preset', PRESETS.map((p) => `'${p}'`).join(', '), name);
  const seed = o.seed ?? 1;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ArgumentError('options.seed', 'an integer in [0, 2^32 − 1]', seed);
  let c = applyOverrides(presetConfig(name, seed), o.config);
  checkConfig(c);
  checkMethods('config.sme.methods', c.sme.methods, PATH_METHODS);
  checkMethods('config.weakOrder.methods', c.weakOrder.methods, SME_METHODS);
  checkMethods('config.sweep.methods', c.sweep.methods, SME_METHODS);
  checkMethods('config.flatness.methods', c.flatness.methods, NOISE_METHODS);
  predictionBases(c.flatness.predict, 'config.flatness.predict');
  if (o.data) c = withCustomData(c);
  c = fitDefaults(c, o.data ? o.data.n : null, o.config);
  checkSettings(c, o.data ?? null);
  return c;
}

/**
 * Preset values the data cannot hold, made to fit and written into the configuration (so
 * config.json records what runs): with your own data, a row count above its rows becomes its
 * rows; a flatness approach batch above the rows used becomes the rows (full batch). A value
 * given in the overrides is kept as it is and checked (checkSettings refuses it).
 */
function fitDefaults(c: ReproduceConfig, rows: number | null, overrides: Record<string, unknown> | undefined): ReproduceConfig {
  const given = (section: string, ...path: string[]) => {
    let v: unknown = overrides?.[section];
    for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined;
    return v !== undefined;
  };
  const out = { ...c } as unknown as Record<string, { data: { source: string; n?: number } }>;
  if (rows !== null) {
    for (const name of SECTIONS) {
      const s = out[name]!;
      if (!given(name, 'data', 'n') && s.data.n !== undefined && s.data.n > rows) out[name] = { ...s, data: { ...s.data, n: rows } };
    }
  }
  const f = out.flatness as unknown as ReproduceConfig['flatness'];
  const used = f.data.n ?? rows ?? f.approachBatch;
  if (!given('flatness', 'approachBatch') && f.approachBatch > used) out.flatness = { ...f, approachBatch: used } as never;
  return out as unknown as ReproduceConfig;
}

function checkMethods(name: string, list: readonly string[], allowed: readonly string[]): void {
  const bad = list.findIndex((m) => !allowed.includes(m));
  if (bad >= 0) throw new ArgumentError(`${name}[${bad}]`, `one of ${allowed.join(', ')}`, list[bad]);
  if (new Set(list).size !== list.length) throw new ArgumentError(name, 'distinct methods', list);
}

/**
 * Runs the reproduction's sections (default all) of a preset (default 'default', seed 1, with
 * `config` overrides) on `engine` and returns results.json's object: what `dropout-sme reproduce`
 * and the lab run (docs/math.md §7.2). With a `store`, finished units are kept and skipped on a
 * later call; with a `shard`, only that share runs and `null` is returned.
 *
 * @throws `ArgumentError` for an unknown preset or section, a bad seed or a bad setting
 *   (checked before anything runs); `DivergenceError` where training diverges.
 * @example
 * ```ts
 * import { createEngine } from 'dropout-sme';
 * import { reproduce, resultsText } from 'dropout-sme/reproduce';
 * const engine = await createEngine();
 * const results = await reproduce(engine, { preset: 'quick', sections: ['alignment'], seed: 1 });
 * console.log(results!.alignment!.alpha, resultsText(results!).length);
 * ```
 */
export async function reproduce(engine: Engine, o: ReproduceOptions = {}): Promise<Results | null> {
  const config = reproduceConfig(o);
  const sections = o.sections ?? SECTIONS;
  if (!Array.isArray(sections) || sections.length === 0 || sections.some((s) => !SECTIONS.includes(s))) {
    throw new ArgumentError('options.sections', `a non-empty list of ${SECTIONS.join(', ')}`, sections);
  }
  checkMemory(config, sections, o.data ?? null, memoryBudget(engine));
  const experiments = experimentsFor(config, sections);
  const store = o.store ?? memoryStore();
  const workloads = new Workloads(engine, o.data ?? null);
  try {
    await runUnits(experiments, {
      engine, workloads, store, ...(o.shard ? { shard: o.shard } : {}), ...(o.onProgress ? { onProgress: o.onProgress } : {}), ...(o.signal ? { signal: o.signal } : {}),
    });
  } finally {
    workloads.dispose();
  }
  if (o.shard) return null;
  return assemble(experiments, store, provenance(engine, config.seed, o.preset ?? 'default', config as unknown as Record<string, unknown>));
}
