/**
 * Configuration overrides (a JSON file given with --config) applied to a preset: only keys the
 * preset has, with values of the same type; then every value is checked against the rule for
 * its name (keep probabilities in (0, 1], positive rates, integer counts). Errors name the path,
 * e.g. "config.sweep.keeps[2]: expected a keep probability in (0, 1], got 0".
 */
import { ArgumentError } from '../errors.js';

type Rule = (v: number) => boolean;
const positive: Rule = (v) => Number.isFinite(v) && v > 0;
/** An integer in [min, max], and the message that says so. */
const int = (min: number, max: number, what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : 'an integer'): [Rule, string] =>
  [(v) => Number.isInteger(v) && v >= min && v <= max, `${what} in [${min}, ${max}]`];
const COUNT_MAX = 1e7;
const RULES: Record<string, [Rule, string]> = {
  keep: [(v) => v > 0 && v <= 1, 'a keep probability in (0, 1]'],
  keeps: [(v) => v > 0 && v <= 1, 'a keep probability in (0, 1]'],
  lr: [positive, 'a positive learning rate'],
  lrs: [positive, 'a positive learning rate'],
  time: [positive, 'a positive time'],
  times: [positive, 'a positive time'],
  // The SME integrator's coarsest step h (each ε a multiple of it, checked by the study).
  step: [positive, 'a positive integrator step h'],
  threshold: [(v) => Number.isFinite(v) && v > 1, 'a threshold c > 1'],
  // The network's own bound (Mlp sizes); what memory allows is checked with the data (limits.ts).
  hidden: int(1, 1 << 24, 'a positive integer layer width'),
  seed: [(v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer seed in [0, 2^32 − 1]'],
  init: [(v) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff, 'an integer seed in [0, 2^32 − 1]'],
  burnIn: int(0, COUNT_MAX),
  settle: int(0, COUNT_MAX),
  bootstrap: int(0, 1e6),
  nullSamples: int(0, 1e4),
  // The library's own bounds: mask pairs and sub-steps of the SME sampler, samples of a noise
  // factor (at least 2 for a covariance), probes of a Hutchinson estimate (at least 2).
  pairs: int(1, 1 << 12),
  substeps: int(1, 1 << 16),
  samples: int(2, 1 << 16),
  gradientSamples: int(2, 1 << 16),
  probes: int(2, 1 << 20),
  directions: int(1, 1 << 16),
};
const COUNTS = ['approachBatch', 'n', 'steps', 'paths', 'gdPaths', 'recordEvery', 'spacing', 'every', 'eigenpairs', 'predictHvpSamples'];
for (const k of COUNTS) RULES[k] = int(1, COUNT_MAX);
// The prediction's noise factor needs at least 2 mask samples for a covariance.
RULES['predictNoiseSamples'] = int(2, COUNT_MAX);

const kind = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A copy of `base` with `overrides` applied, checked as described above. */
export function applyOverrides<T>(base: T, overrides: unknown, path = 'config'): T {
  if (overrides === undefined) return base;
  if (kind(overrides) !== kind(base)) throw new ArgumentError(path, `${kind(base) === 'object' ? 'an object' : `a value of type ${kind(base)}`}`, overrides);
  if (Array.isArray(base)) {
    const arr = overrides as unknown[];
    const sample = base[0];
    if (arr.length === 0) throw new ArgumentError(path, 'a non-empty array', overrides);
    return arr.map((v, i) => (sample === undefined ? v : applyOverrides(sample, v, `${path}[${i}]`))) as T;
  }
  if (base !== null && typeof base === 'object') {
    const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
    for (const [k, v] of Object.entries(overrides as Record<string, unknown>)) {
      if (!(k in out)) throw new ArgumentError(`${path}.${k}`, `one of the known keys (${Object.keys(out).join(', ')})`, k);
      out[k] = applyOverrides(out[k], v, `${path}.${k}`);
    }
    return out as T;
  }
  return overrides as T;
}

/** Checks every number in a configuration against the rule for its key (arrays: each element). */
export function checkConfig(value: unknown, path = 'config', key = ''): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkConfig(v, `${path}[${i}]`, key));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkConfig(v, `${path}.${k}`, k);
  } else if (key === 'source' && !['mnist', 'sine', 'custom'].includes(value as string)) {
    throw new ArgumentError(path, "'mnist', 'sine' or 'custom'", value);
  } else if (key === 'activation' && !['tanh', 'relu', 'sigmoid', 'identity'].includes(value as string)) {
    throw new ArgumentError(path, "'tanh', 'relu', 'sigmoid' or 'identity'", value);
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgumentError(path, 'a finite number', value);
    const rule = RULES[key];
    if (rule && !rule[0](value)) throw new ArgumentError(path, rule[1], value);
  }
}

/** Parses a configuration file's text: JSON, at most 1 MB, an object at the top. */
export function parseConfigText(text: string, name = 'config'): Record<string, unknown> {
  if (text.length > 1 << 20) throw new ArgumentError(name, 'a JSON file of at most 1 MB', `${text.length} characters`);
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new ArgumentError(name, 'valid JSON', (e as Error).message);
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new ArgumentError(name, 'a JSON object', v);
  return v as Record<string, unknown>;
}
