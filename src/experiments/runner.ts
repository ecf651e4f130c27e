/**
 * Runs the units of a set of experiments against a store of finished units (checkpoints): units
 * already stored are skipped, every finished unit is stored before the next starts, and with a
 * shard only that shard's units run. Assembly reads every unit back from the store, so a fresh,
 * a resumed and a merged run aggregate exactly the same values.
 */
import type { Engine } from '../engine.js';
import { RESULTS_SCHEMA, SECTIONS, type Provenance, type Results } from '../report/results.js';
import { ArgumentError } from '../errors.js';
import { checkAbort } from '../abort.js';
import { canonical, type Experiment, type Json, type Unit } from './units.js';
import type { Workloads } from './workloads.js';

/** Where finished units' results live (memory, or the CLI's checkpoint folder). */
export interface UnitStore {
  get(key: string): Json | undefined;
  put(key: string, value: Json): Promise<void> | void;
}

/** An in-memory store (browsers, tests). */
export function memoryStore(initial: Record<string, Json> = {}): UnitStore & { entries(): Record<string, Json> } {
  const map = new Map(Object.entries(initial));
  return { get: (k) => map.get(k), put: (k, v) => void map.set(k, v), entries: () => Object.fromEntries(map) };
}

/** One of `count` balanced shares of a run's units. */
export interface Shard {
  /** 0-based here; the command line's --shard i/N is 1-based. */
  index: number;
  count: number;
}

/** Progress of a run, in estimated seconds of work. */
export interface Progress {
  /** Estimated seconds of work done and in all (the units' cost estimates). */
  done: number;
  total: number;
  unit: string;
}

/** Options of {@link runUnits}. */
export interface RunOptions {
  engine: Engine;
  workloads: Workloads;
  store: UnitStore;
  shard?: Shard;
  onProgress?: (p: Progress) => void;
  /** Called after each unit is stored, with the number of units finished and in all. */
  onUnit?: (key: string, finished: number, total: number) => void;
  /**
   * Stops the run once aborted (rejecting with the signal's reason): between units, and within a
   * unit between its steps. Finished units stay stored; the unit in progress is dropped.
   */
  signal?: AbortSignal;
}

/** Every distinct unit of the experiments, in plan order (units shared by key appear once). */
export function planUnits(experiments: Experiment[]): Unit[] {
  const seen = new Map<string, Unit>();
  for (const e of experiments) for (const u of e.units) if (!seen.has(u.key)) seen.set(u.key, u);
  return [...seen.values()];
}

/**
 * The units of one shard: largest cost first, each to the shard with the least work so far (ties
 * to the lowest index), so shards take similar time; depends only on the plan.
 */
export function shardUnits(units: Unit[], shard: Shard): Unit[] {
  if (!Number.isInteger(shard.count) || shard.count < 1) throw new ArgumentError('shard.count', 'an integer ≥ 1', shard.count);
  if (!Number.isInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new ArgumentError('shard.index', `an integer in [0, ${shard.count - 1}]`, shard.index);
  }
  const load = new Array<number>(shard.count).fill(0);
  const mine = new Set<string>();
  const order = units.map((u, i) => ({ u, i })).sort((a, b) => b.u.cost - a.u.cost || a.i - b.i);
  for (const { u } of order) {
    let best = 0;
    for (let s = 1; s < shard.count; s++) if (load[s]! < load[best]!) best = s;
    load[best]! += u.cost;
    if (best === shard.index) mine.add(u.key);
  }
  return units.filter((u) => mine.has(u.key));
}

/** Runs one unit (and, on demand, what it needs) and stores its canonical result. */
async function runOne(u: Unit, o: RunOptions, progress: (f: number) => void): Promise<Json> {
  const stored = o.store.get(u.key);
  if (stored !== undefined) return stored;
  const value = canonical(await u.run({
    engine: o.engine, workloads: o.workloads, progress,
    need: (dep) => runOne(dep, o, () => {}),
    ...(o.signal ? { signal: o.signal } : {}),
  }));
  await o.store.put(u.key, value);
  return value;
}

/**
 * Runs the units of `experiments` (or of one shard) not yet in the store, storing each result as it finishes.
 */
export async function runUnits(experiments: Experiment[], o: RunOptions): Promise<void> {
  const all = planUnits(experiments);
  const units = o.shard ? shardUnits(all, o.shard) : all;
  const total = units.reduce((s, u) => s + u.cost, 0);
  const stored = units.filter((u) => o.store.get(u.key) !== undefined);
  let done = stored.reduce((s, u) => s + u.cost, 0), finished = stored.length;
  for (const u of units) {
    if (o.store.get(u.key) !== undefined) continue;
    await checkAbort(o.signal);
    o.onProgress?.({ done, total, unit: u.key });
    const progress = (f: number) => o.onProgress?.({ done: done + Math.min(1, Math.max(0, f)) * u.cost, total, unit: u.key });
    await runOne(u, o, progress);
    done += u.cost;
    o.onUnit?.(u.key, ++finished, units.length);
  }
  o.onProgress?.({ done, total, unit: '' });
}

/** Keys of planned units missing from the store (empty when results can be assembled). */
export function missingUnits(experiments: Experiment[], store: UnitStore): string[] {
  return planUnits(experiments).filter((u) => store.get(u.key) === undefined).map((u) => u.key);
}

/** results.json's object from the stored units; keys in a fixed order, so its text is stable. */
export function assemble(experiments: Experiment[], store: UnitStore, provenance: Provenance): Results {
  const missing = missingUnits(experiments, store);
  if (missing.length) throw new ArgumentError('units', 'every planned unit finished (run the missing shards, or --resume)', `${missing.length} missing, e.g. ${missing[0]}`);
  const get = (key: string) => store.get(key)!;
  const results: Results = { schema: RESULTS_SCHEMA, provenance };
  for (const name of SECTIONS) {
    const e = experiments.find((x) => x.name === name);
    if (e) (results as unknown as Record<string, unknown>)[name] = canonical(e.aggregate(get));
  }
  return results;
}

/** The text of results.json: two-space JSON (which writes NaN and ±Inf as null), a final newline. */
export function resultsText(results: Results): string {
  return JSON.stringify(results, null, 2) + '\n';
}
