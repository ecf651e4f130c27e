/**
 * An experiment is a list of independent units of work plus an aggregation. A unit is what gets
 * checkpointed, resumed and sharded: its result is plain JSON and depends only on the
 * configuration (never on which units ran before it), so a killed run resumes by skipping the
 * units already stored, and N shards that each run a subset merge into the same results.
 */
import type { Engine } from '../engine.js';
import type { Results } from '../report/results.js';
import type { Workloads } from './workloads.js';

/** What a unit's run gets: the engine, the data sets, and a progress callback within the unit. */
export interface UnitContext {
  engine: Engine;
  workloads: Workloads;
  /** Fraction of this unit done, in [0, 1]. */
  progress(fraction: number): void;
  /**
   * The result of a unit this one depends on: read from the store, or run (and stored) now when
   * absent, e.g. in a shard that was not assigned it.
   */
  need(unit: Unit): Promise<Json>;
  /** The run's cancellation: pass it to long computations (they stop between steps once aborted). */
  signal?: AbortSignal;
}

/** A plain JSON value (what unit results are made of). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A unit of work: checkpointed, resumed and sharded as a whole. */
export interface Unit {
  /** Stable and unique across experiments, e.g. 'sweep/keep=0.1/lr=0.05/sme1'. */
  key: string;
  /** Relative cost estimate (seconds on 2 CPU cores with WASM), for progress and the time left. */
  cost: number;
  run(ctx: UnitContext): Promise<Json>;
}

/** One section of results.json from the results of its units (read by key). */
export interface Experiment {
  name: keyof Omit<Results, 'schema' | 'provenance'>;
  units: Unit[];
  aggregate(get: (key: string) => Json): Results[Experiment['name']];
}

/** JSON round trip: what a stored result reads back as (NaN → null, −0 → 0), used everywhere so a
 * resumed or merged run aggregates exactly the values an uninterrupted one does. */
export function canonical(value: unknown): Json {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (ArrayBuffer.isView(v) && !(v instanceof DataView) ? Array.from(v as unknown as ArrayLike<number>) : v))) as Json;
}

/** A number array from a stored result, null read back as NaN. */
export function numbers(v: Json | undefined, what: string): number[] {
  if (!Array.isArray(v)) throw new Error(`stored result ${what}: expected an array of numbers`);
  return v.map((x) => (x === null ? NaN : (x as number)));
}

/** Finite numbers as they are; NaN/±Inf as null (results.json is plain JSON). */
export const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
