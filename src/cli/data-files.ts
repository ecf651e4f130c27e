/**
 * --data / --labels for the command line: an IDX pair (MNIST / Fashion-MNIST format) or .npy
 * arrays, each gzipped or not (.npy.gz is gunzipped, then parsed), told apart by their first
 * bytes: x as n × … (float, or u8 pixels scaled by 1/255) and y as integer labels [n] (one-hot)
 * or float targets [n, c]. Files are read with a size limit before parsing. Integer labels must
 * lie in [0, --classes); without --classes the classes are 0 … the largest label, each present
 * (a stray label, e.g. 200 among digits, is refused rather than widening the network).
 */
import type { HostDataset } from '../data/dataset-types.js';
import { checkHostDataset, oneHot } from '../data/dataset-types.js';
import { DEFAULT_MAX_BYTES, formatError, gunzip, isGzip } from '../data/bytes.js';
import { loadIdxDataset } from '../data/idx.js';
import { readNpy } from '../data/npy.js';
import { ArgumentError } from '../errors.js';
import { readLimited } from './files.js';

/** Largest input file, and largest decompressed size of a gzipped one: 1 GiB. */
export const MAX_INPUT_BYTES = DEFAULT_MAX_BYTES;

/** The bytes of the file an option names (read with the size limit), decompressed if gzipped. */
export async function bytes(option: string, path: string, maxBytes = MAX_INPUT_BYTES): Promise<Uint8Array> {
  const raw = readLimited(option, path, maxBytes);
  return isGzip(raw) ? gunzip(raw, { name: `${option} ${path}`, maxBytes }) : raw;
}

const isNpy = (b: Uint8Array) => b.length >= 6 && b[0] === 0x93 && String.fromCharCode(...b.subarray(1, 6)) === 'NUMPY';

function npyInputs(path: string, buf: Uint8Array): { x: Float32Array; n: number; inDim: number } {
  const a = readNpy(buf, { name: '--data' });
  if (a.shape.length < 2) throw new ArgumentError('--data', 'an array of shape [n, features…]', `shape [${a.shape.join(', ')}] in ${path}`);
  const n = a.shape[0]!, inDim = a.shape.slice(1).reduce((s, d) => s * d, 1);
  const x = a.dtype === '|u1' ? Float32Array.from(a.data as Uint8Array, (v) => v / 255) : Float32Array.from(a.data as ArrayLike<number>);
  return { x, n, inDim };
}

/**
 * The number of classes of integer labels: `declared` (each label below it), or the largest
 * label + 1 with every class present.
 */
export function classesOf(labels: ArrayLike<number>, declared: number | undefined): number {
  let max = -1;
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (!Number.isInteger(c) || c < 0 || c > 65535) throw formatError('--labels', 'class labels in [0, 65535]', `${c} at row ${i}`);
    if (declared !== undefined && c >= declared) throw formatError('--labels', `class labels below --classes = ${declared}`, `${c} at row ${i}`);
    max = Math.max(max, c);
    seen.add(c);
  }
  if (declared !== undefined) return declared;
  if (seen.size < max + 1) {
    const absent = Array.from({ length: max + 1 }, (_, c) => c).filter((c) => !seen.has(c));
    const row = Array.prototype.indexOf.call(labels, max);
    throw formatError('--labels', `classes 0 … ${max} each present (the largest label + 1 = ${max + 1} classes), or --classes to declare them`,
      `label ${max} at row ${row} with ${absent.length} of those classes absent (e.g. ${absent.slice(0, 3).join(', ')})`);
  }
  return max + 1;
}

function npyTargets(path: string, buf: Uint8Array, n: number, declared: number | undefined): { y: Float32Array; outDim: number; labels?: Int32Array } {
  const a = readNpy(buf, { name: '--labels' });
  if (a.shape[0] !== n) throw new ArgumentError('--labels', `${n} rows, one per sample of --data`, `shape [${a.shape.join(', ')}] in ${path}`);
  if (a.shape.length === 1) {
    if (a.dtype === '<f4' || a.dtype === '<f8') throw new ArgumentError('--labels', 'integer class labels [n] or float targets [n, c]', `float array of shape [${n}]`);
    const classes = classesOf(a.data as ArrayLike<number>, declared);
    const labels = Int32Array.from(a.data as ArrayLike<number>);
    return { y: oneHot(labels, classes), outDim: classes, labels };
  }
  if (a.shape.length !== 2) throw new ArgumentError('--labels', 'integer class labels [n] or float targets [n, c]', `shape [${a.shape.join(', ')}]`);
  if (declared !== undefined) throw new ArgumentError('--classes', 'integer --labels (float targets [n, c] have c columns)', declared);
  return { y: Float32Array.from(a.data as ArrayLike<number>), outDim: a.shape[1]! };
}

/** The data set named on the command line; both files are required together. */
export async function loadDataOption(data: string, labels: string | undefined, classes?: number): Promise<HostDataset> {
  if (!labels) throw new ArgumentError('--labels', 'the labels/targets file that goes with --data', undefined);
  const xb = await bytes('--data', data), yb = await bytes('--labels', labels);
  if (isNpy(xb)) {
    const x = npyInputs(data, xb);
    const y = npyTargets(labels, yb, x.n, classes);
    return checkHostDataset({ ...x, ...y, name: data }, 'data');
  }
  const ds = await loadIdxDataset(xb, yb, { name: data, maxBytes: MAX_INPUT_BYTES });
  const c = classesOf(ds.labels!, classes);
  return c === ds.outDim ? ds : { ...ds, y: oneHot(ds.labels!, c), outDim: c };
}
