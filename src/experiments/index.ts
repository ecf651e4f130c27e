/**
 * The reproduction of the paper's experiments, runtime-neutral (the CLI, the browser lab and
 * tests share it): settings (presets, overrides), units, the runner, and results assembly.
 */
export { SECTIONS, experimentsFor, withCustomData, type SectionName } from './sections.js';
export { preset, PRESETS, type PresetName, type ReproduceConfig } from './presets.js';
export { applyOverrides, checkConfig, parseConfigText } from './config.js';
export { runUnits, assemble, resultsText, memoryStore, planUnits, shardUnits, missingUnits, type UnitStore, type Shard, type Progress, type RunOptions } from './runner.js';
export { Workloads, type DataChoice, type DataSource } from './workloads.js';
export { provenance, runtimeVersion } from './provenance.js';
export type { Experiment, Unit, Json } from './units.js';
export { reproduce, reproduceConfig, type ReproduceOptions } from './reproduce.js';
export { checkMemory, checkSettings, memoryBudget, modelNeed, eigenNeed, MNIST_TRAIN_ROWS, WASM_MEMORY_BYTES, type MemoryBudget, type DataDims } from './limits.js';
export { predictionBases, type FlatnessConfig } from './flatness.js';
