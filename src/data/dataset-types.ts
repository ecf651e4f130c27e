/**
 * The host-side data set: plain typed arrays, before anything moves to a device.
 * x is n × inDim and y is n × outDim, both row-major float32 (sample i's features are
 * x[i·inDim … (i+1)·inDim)). For classification y is one-hot and `labels` holds the class indices.
 */
import { ArgumentError } from '../errors.js';
import { formatError } from './bytes.js';

/**
 * A data set in host memory, as loaders return it and `engine.dataset` uploads it. Check one
 * with {@link checkHostDataset}.
 */
export interface HostDataset {
  /** Inputs, n × inDim, row-major. */
  x: Float32Array;
  /** Targets, n × outDim, row-major (one-hot rows for classification). */
  y: Float32Array;
  /** Number of samples (≥ 1). */
  n: number;
  /** Features per sample (≥ 1). */
  inDim: number;
  /** Target width (≥ 1; classes for one-hot targets). */
  outDim: number;
  /** Class index of each sample (length n, each in [0, outDim)), for classification sets. */
  labels?: Uint8Array | Int32Array;
  /** A name for messages and provenance, e.g. 'mnist-10k/train'. */
  name?: string;
}

/**
 * Checks a HostDataset: an object with Float32Array x and y, integer n ≥ 1, inDim ≥ 1, outDim ≥ 1,
 * x.length = n·inDim, y.length = n·outDim, every value finite, optional labels of length n with
 * integer classes in [0, outDim). Throws an ArgumentError naming the first problem (for a
 * non-finite value: its flat index, row and column). `name` prefixes argument names ('train' →
 * 'train.x'). Returns the same object, typed.
 */
export function checkHostDataset(d: unknown, name = ''): HostDataset {
  const arg = (field: string) => (name ? `${name}.${field}` : field);
  if (d === null || typeof d !== 'object') throw new ArgumentError(name || 'data', 'an object { x, y, n, inDim, outDim }', d);
  const ds = d as Partial<HostDataset>;
  const n = checkDim(arg('n'), ds.n, 1);
  const inDim = checkDim(arg('inDim'), ds.inDim, 1);
  const outDim = checkDim(arg('outDim'), ds.outDim, 1);
  if (!(ds.x instanceof Float32Array)) throw new ArgumentError(arg('x'), 'a Float32Array', ds.x);
  if (!(ds.y instanceof Float32Array)) throw new ArgumentError(arg('y'), 'a Float32Array', ds.y);
  if (ds.x.length !== n * inDim) throw new ArgumentError(arg('x'), `n·inDim = ${n * inDim} values (${n} × ${inDim})`, ds.x);
  if (ds.y.length !== n * outDim) throw new ArgumentError(arg('y'), `n·outDim = ${n * outDim} values (${n} × ${outDim})`, ds.y);
  checkFiniteValues(arg('x'), ds.x, inDim);
  checkFiniteValues(arg('y'), ds.y, outDim);
  if (ds.labels !== undefined) {
    const labels = ds.labels;
    if (!(labels instanceof Uint8Array || labels instanceof Int32Array)) {
      throw new ArgumentError(arg('labels'), 'a Uint8Array or Int32Array', labels);
    }
    if (labels.length !== n) throw new ArgumentError(arg('labels'), `n = ${n} values`, labels);
    for (let i = 0; i < n; i++) {
      const c = labels[i]!;
      if (c < 0 || c >= outDim) {
        throw formatError(arg('labels'), `class indices in [0, ${outDim - 1}] (outDim ${outDim})`, `${c} at index ${i}`);
      }
    }
  }
  if (ds.name !== undefined && typeof ds.name !== 'string') throw new ArgumentError(arg('name'), 'a string', ds.name);
  return ds as HostDataset;
}

function checkDim(name: string, v: unknown, min: number): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 2 ** 31 - 1) {
    throw new ArgumentError(name, `an integer in [${min}, ${2 ** 31 - 1}]`, v);
  }
  return v;
}

/** Throws "x: expected finite values, got NaN at index 1234 (row 1, column 450)" on the first bad value. */
export function checkFiniteValues(name: string, a: ArrayLike<number>, cols: number): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    // v - v is 0 for finite v and NaN for ±Infinity and NaN: one comparison per value.
    if (v - v !== 0) {
      const e = new ArgumentError(name, 'finite values', v);
      e.message += ` at index ${i} (row ${Math.floor(i / cols)}, column ${i % cols})`;
      throw e;
    }
  }
}

/** One-hot rows (n × classes) for class indices already checked to lie in [0, classes). */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  const y = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) y[i * classes + labels[i]!] = 1;
  return y;
}
