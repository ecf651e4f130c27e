/**
 * Value checks of the public API (models, algorithms, host-side analyses) and of the backends'
 * scalar arguments: each throws an ArgumentError naming the argument and the expectation.
 * Checks of tensors and kernel options are the backends' own, in tensor-checks.ts.
 */
import { ArgumentError } from '../errors.js';

/** An integer in [min, max]. */
export function checkInt(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new ArgumentError(name, `an integer in [${min}, ${max}]`, v);
  }
  return v;
}

/** true or false. */
export function checkBoolean(name: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new ArgumentError(name, 'true or false', v);
  return v;
}

/** A finite number. */
export function checkFinite(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(name, 'a finite number', v);
  return v;
}

/** An options argument: undefined gives {}, anything but a plain object is refused. */
export function checkOptions<T extends object>(name: string, o: T | undefined, expected = 'an object'): T {
  if (o === undefined) return {} as T;
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ArgumentError(name, expected, o);
  return o;
}

/** A finite number > 0 (learning rates, times, widths, tolerances). */
export function checkPositive(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || !(v > 0)) throw new ArgumentError(name, 'a positive finite number', v);
  return v;
}

/** A keep probability p in (0, 1]. */
export function checkKeep(name: string, v: unknown): number {
  if (typeof v !== 'number' || !(v > 0 && v <= 1)) throw new ArgumentError(name, 'a number in (0, 1]', v);
  return v;
}

/** Every value of `v` is finite; names the first offender's index. */
export function checkFiniteValues(name: string, v: ArrayLike<number>, count = v.length): void {
  for (let i = 0; i < count; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new ArgumentError(name, 'finite values', `${x} at index ${i}`);
  }
}

/**
 * A numeric vector (typed array or number array) of exactly `length` values (or at least
 * `length` with atLeast), all finite.
 */
export function checkVector(name: string, v: unknown, length: number, atLeast = false): ArrayLike<number> {
  const ok = ArrayBuffer.isView(v) ? !(v instanceof DataView) && !(v instanceof BigInt64Array) && !(v instanceof BigUint64Array) : Array.isArray(v);
  const a = v as ArrayLike<number>;
  if (!ok || (atLeast ? a.length < length : a.length !== length)) {
    throw new ArgumentError(name, `a numeric array of ${atLeast ? 'at least ' : ''}${length} values`, v);
  }
  checkFiniteValues(name, a, length);
  return a;
}

/** A Float32Array of exactly `length` finite values (parameter vectors, HVP directions). */
export function checkF32Vector(name: string, v: unknown, length: number): Float32Array {
  if (!(v instanceof Float32Array) || v.length !== length) throw new ArgumentError(name, `a Float32Array of length ${length}`, v);
  checkFiniteValues(name, v);
  return v;
}
