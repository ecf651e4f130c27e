import { ArgumentError } from '../errors.js';

export function checkDim(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(name, `an integer ≥ ${min}`, v);
  }
  return v;
}

export function checkF64(name: string, v: unknown): Float64Array {
  if (!(v instanceof Float64Array)) throw new ArgumentError(name, 'a Float64Array', v);
  return v;
}

export function checkLength(name: string, v: ArrayLike<number>, length: number, what: string): void {
  if (v.length !== length) throw new ArgumentError(name, `length ${what} = ${length}`, v.length);
}

/** ArgumentError for the first non-finite entry; `cols` > 0 adds its row and column. */
export function checkFinite(name: string, v: ArrayLike<number>, cols = 0): void {
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (x - x !== 0) throw nonFinite(name, i, x, cols);
  }
}

export function nonFinite(name: string, i: number, x: number, cols = 0): ArgumentError {
  const where = cols > 0 ? `${name}[${i}] (row ${Math.floor(i / cols)}, column ${i % cols})` : `${name}[${i}]`;
  return new ArgumentError(name, `finite values; ${where} is not finite`, x);
}

/** Options object: undefined or a non-null object whose named keys are booleans when present. */
export function checkOptions<K extends string>(name: string, v: unknown, keys: readonly K[]): Partial<Record<K, boolean>> {
  if (v === undefined) return {};
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(name, 'an options object', v);
  const o = v as Record<string, unknown>;
  for (const k of keys) {
    if (o[k] !== undefined && typeof o[k] !== 'boolean') throw new ArgumentError(`${name}.${k}`, 'a boolean', o[k]);
  }
  return o as Partial<Record<K, boolean>>;
}

/**
 * An exact power of two bringing a matrix whose max|entry| is m into [½, 1] when m lies outside
 * [2⁻⁵⁰⁰, 2⁵⁰⁰] (where squares and differences inside the solver could overflow or underflow), else 1
 * — so well-scaled input is solved exactly as given (no entry flushed to zero by the scaling).
 */
export function powerOfTwoScale(m: number): number {
  if (m === 0 || (m >= 2 ** -500 && m <= 2 ** 500)) return 1;
  const e = Math.max(-1000, Math.min(1000, Math.ceil(Math.log2(m))));
  return 2 ** -e;
}
