/**
 * IDX files, the format of MNIST, Fashion-MNIST, KMNIST and EMNIST (LeCun's "idx" format):
 * a magic of two zero bytes, a type byte and the number of dimensions, then each dimension as a
 * big-endian u32, then the values, big-endian, C order. Type bytes: 0x08 u8, 0x09 i8, 0x0B i16,
 * 0x0C i32, 0x0D f32, 0x0E f64. MNIST images are 0x00000803 (u8, [n, 28, 28]) and labels
 * 0x00000801 (u8, [n]).
 *
 * Files may be gzipped (the distributed *-ubyte.gz files): the gzip magic 1f 8b is detected and
 * the data decompressed with DecompressionStream, stopping as soon as the output passes the size
 * the IDX header declares (or maxBytes), so a corrupt or hostile file costs bounded time and
 * memory. Every malformed input (magic, type, truncation, trailing bytes, dimensions whose
 * product exceeds the bytes present) is an ArgumentError naming the argument.
 */
import { ArgumentError } from '../errors.js';
import { checkInt } from '../backend/validate.js';
import {
  DEFAULT_MAX_BYTES, formatError, gunzip, hexPrefix, isGzip, loadBytes, toBytes, type BytesLike,
} from './bytes.js';
import { checkFiniteValues, oneHot, type HostDataset } from './dataset-types.js';

/** Element types of the IDX format (type byte 08 u8, 09 i8, 0b i16, 0c i32, 0d f32, 0e f64). */
export type IdxType = 'u8' | 'i8' | 'i16' | 'i32' | 'f32' | 'f64';
/** The typed array holding an IDX file's values, by {@link IdxType}. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/** An IDX file's contents: values in row-major order, its shape and element type. */
export interface IdxArray {
  /** The values, in C order, in the host's byte order. */
  data: IdxData;
  /** Dimensions, e.g. [10000, 28, 28] for MNIST images. */
  shape: number[];
  /** The file's element type. */
  type: IdxType;
}

/** Options of {@link readIdx}. */
export interface ReadIdxOptions {
  /** The argument name used in error messages (default 'idx'). */
  name?: string;
  /** Largest decompressed size accepted for gzipped input (default 1 GiB). */
  maxBytes?: number;
}

const TYPES: Record<number, { type: IdxType; size: number }> = {
  0x08: { type: 'u8', size: 1 },
  0x09: { type: 'i8', size: 1 },
  0x0b: { type: 'i16', size: 2 },
  0x0c: { type: 'i32', size: 4 },
  0x0d: { type: 'f32', size: 4 },
  0x0e: { type: 'f64', size: 8 },
};
const CODES: Record<IdxType, number> = { u8: 0x08, i8: 0x09, i16: 0x0b, i32: 0x0c, f32: 0x0d, f64: 0x0e };

interface IdxHeader {
  type: IdxType;
  size: number;
  shape: number[];
  dataStart: number;
  /** Number of values, or Infinity when the product of the dimensions passes 2^53. */
  count: number;
}

/**
 * Parses the header from the first bytes. Returns undefined when more bytes are needed to see
 * the whole header (only when `partial`), throws on anything malformed.
 */
function parseHeader(name: string, b: Uint8Array, partial: boolean): IdxHeader | undefined {
  if (b.length < 4) {
    if (partial) return undefined;
    throw formatError(name, 'an IDX file of at least 4 bytes', `${b.length} (truncated)`);
  }
  if (b[0] !== 0 || b[1] !== 0 || !Object.hasOwn(TYPES, b[2]!)) {
    throw formatError(
      name,
      'an IDX file (magic 00 00 <type> <rank>, type 08 u8, 09 i8, 0b i16, 0c i32, 0d f32 or 0e f64)',
      hexPrefix(b, 4),
    );
  }
  const { type, size } = TYPES[b[2]!]!;
  const nd = b[3]!; // b.length ≥ 4, checked above
  if (nd === 0) throw formatError(name, 'an IDX file of rank ≥ 1 (byte 3)', 'rank 0');
  const dataStart = 4 + 4 * nd;
  if (b.length < dataStart) {
    if (partial) return undefined;
    throw formatError(name, `${nd} dimensions (${dataStart} header bytes)`, `${b.length} bytes (truncated)`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < nd; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  if (!Number.isSafeInteger(count)) count = Infinity;
  return { type, size, shape, dataStart, count };
}

function describeShape(h: IdxHeader): string {
  const s = `[${h.shape.join(', ')}]`;
  return `shape ${s.length > 80 ? `${s.slice(0, 77)}…]` : s} of ${h.type}`;
}

/**
 * Parses an uncompressed IDX file held in memory (gzipped input: use readIdx).
 *
 * @throws {@link ArgumentError} naming `opts.name` for a bad magic number, a truncated file or a
 *   size that does not match the header.
 */
export function readIdxSync(input: BytesLike, opts: { name?: string } = {}): IdxArray {
  const name = opts.name ?? 'idx';
  const b = toBytes(name, input);
  if (isGzip(b)) throw formatError(name, 'an uncompressed IDX file (use readIdx for gzipped files)', 'gzip data');
  const h = parseHeader(name, b, false)!;
  const available = b.length - h.dataStart;
  // Compare before allocating: the declared size must match the bytes actually present.
  if (h.count * h.size !== available) {
    const need = h.count === Infinity ? 'more than 2^53' : String(h.count * h.size);
    throw formatError(
      name,
      `${need} data bytes for ${describeShape(h)}`,
      `${available}${available < h.count * h.size ? ' (truncated, or corrupt dimensions)' : ' (trailing bytes)'}`,
    );
  }
  return { data: decode(b.subarray(h.dataStart), h), shape: h.shape, type: h.type };
}

function decode(src: Uint8Array, h: IdxHeader): IdxData {
  const n = h.count;
  const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
  switch (h.type) {
    case 'u8': return src.slice();
    case 'i8': return new Int8Array(src.slice().buffer);
    case 'i16': {
      const out = new Int16Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'i32': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'f32': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'f64': {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Parses an IDX file, gzipped or not (detected from the 1f 8b magic). Decompression stops as
 * soon as the output exceeds what the header declares, or opts.maxBytes (default 1 GiB).
 *
 * @throws {@link ArgumentError} for a malformed, truncated or oversized file.
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * const images = await readIdx(await readFile('train-images-idx3-ubyte.gz'));
 * images.shape;                                  // [60000, 28, 28], images.type 'u8'
 * ```
 */
export async function readIdx(input: BytesLike, opts: ReadIdxOptions = {}): Promise<IdxArray> {
  const name = opts.name ?? 'idx';
  const b = toBytes(name, input);
  if (!isGzip(b)) return readIdxSync(b, { name });
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const raw = await gunzip(b, {
    name,
    maxBytes,
    expectedSize: (head) => {
      const h = parseHeader(name, head, true);
      if (!h) return undefined;
      const total = h.dataStart + h.count * h.size;
      if (!(total <= maxBytes)) {
        throw formatError(name, `at most ${maxBytes} bytes after decompression (maxBytes)`, `a header declaring ${describeShape(h)}`);
      }
      return total;
    },
  });
  return readIdxSync(raw, { name });
}

/** Serialises an array as an (uncompressed) IDX file; the type follows the array's class. */
export function writeIdx(data: IdxData, shape?: readonly number[]): Uint8Array {
  const type = idxTypeOf(data);
  const dims = shape === undefined ? [data.length] : [...shape];
  if (!Array.isArray(dims) || dims.length < 1 || dims.length > 255) throw new ArgumentError('shape', 'an array of 1 to 255 dimensions', shape);
  dims.forEach((d, i) => checkInt(`shape[${i}]`, d, 0, 0xffffffff));
  const count = dims.reduce((a, d) => a * d, 1);
  if (count !== data.length) throw new ArgumentError('data', `${count} values for shape [${dims.join(', ')}]`, data);
  const size = TYPES[CODES[type]]!.size;
  const start = 4 + 4 * dims.length;
  const out = new Uint8Array(start + count * size);
  const view = new DataView(out.buffer);
  out[2] = CODES[type];
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  for (let i = 0; i < count; i++) {
    const o = start + i * size, v = data[i]!;
    switch (type) {
      case 'u8': out[o] = v; break;
      case 'i8': view.setInt8(o, v); break;
      case 'i16': view.setInt16(o, v, false); break;
      case 'i32': view.setInt32(o, v, false); break;
      case 'f32': view.setFloat32(o, v, false); break;
      case 'f64': view.setFloat64(o, v, false); break;
    }
  }
  return out;
}

function idxTypeOf(data: unknown): IdxType {
  if (data instanceof Uint8Array) return 'u8';
  if (data instanceof Int8Array) return 'i8';
  if (data instanceof Int16Array) return 'i16';
  if (data instanceof Int32Array) return 'i32';
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Float64Array) return 'f64';
  throw new ArgumentError('data', 'a Uint8Array, Int8Array, Int16Array, Int32Array, Float32Array or Float64Array', data);
}

/** Without opts.classes, labels at or above this are taken for corruption rather than classes. */
const MAX_INFERRED_CLASSES = 65536;
/** Largest one-hot target matrix built (2^29 float32 values, 2 GiB). */
const MAX_TARGETS = 2 ** 29;

/** Options of {@link loadIdxDataset}. */
export interface IdxDatasetOptions {
  /** Number of classes (one-hot width). Default: the largest label + 1. */
  classes?: number;
  /** A name for the data set (kept in HostDataset.name). */
  name?: string;
  /** Largest decompressed size accepted for each gzipped file (default 1 GiB). */
  maxBytes?: number;
}

/**
 * A classification data set from an IDX images file ([n, ...], u8 pixels scaled by 1/255 to
 * [0, 1]; f32/f64 values kept as they are) and an IDX labels file ([n], integer classes), each
 * gzipped or not, given as bytes or as a path / URL (read with loadBytes). Targets are one-hot
 * rows of width `classes`; inDim is the product of the image dimensions (784 for MNIST).
 *
 * @throws {@link ArgumentError} for malformed files, mismatched counts or labels out of range.
 * @example
 * ```ts
 * const train = await loadIdxDataset('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz');
 * const data = engine.dataset(train);            // x: n × 784 in [0, 1], y: one-hot n × 10
 * ```
 */
export async function loadIdxDataset(
  images: BytesLike | string | URL,
  labels: BytesLike | string | URL,
  opts: IdxDatasetOptions = {},
): Promise<HostDataset> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object { classes?, name?, maxBytes? }', opts);
  const classesOpt = opts.classes === undefined ? undefined : checkInt('opts.classes', opts.classes, 1, 1 << 24);
  const source = async (arg: string, v: BytesLike | string | URL) =>
    typeof v === 'string' || v instanceof URL ? loadBytes(v) : toBytes(arg, v);
  const img = await readIdx(await source('images', images), { name: 'images', maxBytes: opts.maxBytes });
  const lab = await readIdx(await source('labels', labels), { name: 'labels', maxBytes: opts.maxBytes });

  if (img.shape.length < 2) {
    throw formatError('images', 'an IDX array of rank ≥ 2 ([n, rows, cols])', `shape [${img.shape.join(', ')}] (is it the labels file?)`);
  }
  if (lab.shape.length !== 1) {
    throw formatError('labels', 'an IDX array of rank 1 ([n])', `shape [${lab.shape.join(', ')}] (is it the images file?)`);
  }
  const n = img.shape[0]!; // rank ≥ 2, checked above
  const inDim = img.shape.slice(1).reduce((a, d) => a * d, 1);
  if (n < 1) throw new ArgumentError('images', 'at least one image', n);
  if (inDim < 1) throw formatError('images', 'images of at least one value', `shape [${img.shape.join(', ')}]`);
  if (lab.shape[0] !== n) throw formatError('labels', `${n} labels, one per image`, `${lab.shape[0]}`);
  if (lab.type === 'f32' || lab.type === 'f64') throw formatError('labels', 'integer labels (u8, i8, i16 or i32)', lab.type);

  let maxLabel = 0;
  for (let i = 0; i < n; i++) {
    const c = lab.data[i]!;
    if (c < 0) throw formatError('labels', 'non-negative class indices', `${c} at index ${i}`);
    if (classesOpt !== undefined && c >= classesOpt) {
      throw formatError('labels', `class indices below opts.classes = ${classesOpt}`, `${c} at index ${i}`);
    }
    if (c > maxLabel) maxLabel = c;
  }
  if (classesOpt === undefined && maxLabel >= MAX_INFERRED_CLASSES) {
    throw formatError('labels', `class indices below ${MAX_INFERRED_CLASSES} (pass opts.classes for more classes)`, `${maxLabel}`);
  }
  const classes = classesOpt ?? maxLabel + 1;
  if (n * classes > MAX_TARGETS) {
    throw formatError('opts.classes', `n × classes ≤ ${MAX_TARGETS} one-hot targets`, `${n} × ${classes}`);
  }

  let x: Float32Array;
  if (img.type === 'u8') {
    x = new Float32Array(img.data.length);
    const src = img.data as Uint8Array;
    for (let i = 0; i < src.length; i++) x[i] = src[i]! / 255;
  } else if (img.type === 'f32' || img.type === 'f64') {
    x = Float32Array.from(img.data as Float32Array | Float64Array);
    checkFiniteValues('images', x, inDim);
  } else {
    throw formatError('images', 'u8 pixels (scaled to [0, 1]) or f32/f64 values', `IDX type ${img.type}`);
  }
  const lbl = classes <= 256 ? Uint8Array.from(lab.data) : Int32Array.from(lab.data);
  const ds: HostDataset = { x, y: oneHot(lbl, classes), n, inDim, outDim: classes, labels: lbl };
  if (opts.name !== undefined) ds.name = opts.name;
  return ds;
}
