/**
 * The package's `dropout-sme/reproduce` entry: the reproduction of the paper's experiments (what
 * the command line and the lab run), runtime-neutral. Its presets, configuration checks, units of
 * work, the runner with its store, shards and progress, and the assembly of results.json. The
 * default workloads' MNIST digits (`dropout-sme/mnist`) are imported on first use only.
 *
 * @example
 * ```ts
 * import { createEngine } from 'dropout-sme';
 * import { reproduce, resultsText } from 'dropout-sme/reproduce';
 * const engine = await createEngine();
 * const results = await reproduce(engine, { preset: 'quick', sections: ['weakOrder'] });
 * console.log(results!.weakOrder!.series[0]!.slope);
 * const json = resultsText(results!);                      // the CLI's results.json
 * engine.dispose();
 * ```
 * @packageDocumentation
 * @module dropout-sme/reproduce
 */
export {
  reproduce, reproduceConfig, preset, PRESETS, SECTIONS, experimentsFor, runUnits, assemble, resultsText, memoryStore,
  planUnits, shardUnits, missingUnits, Workloads, applyOverrides, checkConfig, parseConfigText, provenance, predictionBases,
} from './experiments/index.js';
export type {
  ReproduceOptions, ReproduceConfig, PresetName, SectionName, UnitStore, Shard, Progress, RunOptions, Experiment, Unit, Json,
  DataChoice, DataSource,
} from './experiments/index.js';
export type { SmeCurvesConfig } from './experiments/sme-curves.js';
export type { LadderConfig } from './experiments/path-cells.js';
export type { FlatnessConfig } from './experiments/flatness.js';
export type { AlignmentConfig } from './experiments/alignment.js';
export type { UnitContext } from './experiments/units.js';
export type { NetSpec } from './experiments/model-spec.js';
export { RESULTS_SCHEMA } from './report/results.js';
export type {
  Results, Provenance, Band, SmeCurves, WeakOrderSeries, WeakOrderSection, SweepSection, FlatnessRun, FlatnessSection, AlignmentSection,
  FlatnessPrediction, PsiFitJson,
} from './report/results.js';
