/**
 * NumPy .npy files (numpy.lib.format, versions 1.0, 2.0 and 3.0), read and written without numpy.
 *
 * Layout: the magic "\x93NUMPY", major and minor version bytes, the header length (u16 LE for
 * 1.0, u32 LE for 2.0/3.0), then the header, a Python dict literal such as
 * "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }" (latin-1; UTF-8 in 3.0), padded
 * with spaces and a final "\n" so that the data starts at a multiple of 64 bytes. The data
 * follows: product(shape) items, C order (or Fortran order when fortran_order is True).
 *
 * Read: dtypes <f4, <f8, <i4, <u4, |u1 and <i8 (int64 becomes Float64Array; a value beyond
 * ±(2^53 − 1) is refused rather than rounded). Fortran-order data is transposed to C order. Any
 * problem (magic, version, header syntax, missing or extra keys, structured / big-endian /
 * unsupported dtype, a shape whose size does not match the bytes present) is an ArgumentError;
 * nothing is allocated from a size before that size is checked against the bytes present.
 *
 * Write: byte-for-byte what numpy.save writes for the same array: sorted keys, the header padded
 * with 21 − len(repr(shape[0])) growth spaces (shape[-1] for Fortran order; none for 0-d), then
 * spaces and "\n" up to a multiple of 64 bytes; version 1.0 unless the header needs 2.0.
 */
import { ArgumentError } from '../errors.js';
import { formatError, hexPrefix, toBytes, type BytesLike } from './bytes.js';

/** The .npy dtypes read and written: little-endian f32, f64, i32, u32, u8 and i64 (read as float64). */
export type NpyDType = '<f4' | '<f8' | '<i4' | '<u4' | '|u1' | '<i8';
/** The typed arrays a .npy file is read into or written from. */
export type NpyData = Float32Array | Float64Array | Int32Array | Uint32Array | Uint8Array;

/** A .npy file's contents. */
export interface NpyArray {
  /** The values in C (row-major) order, whatever order the file used. */
  data: NpyData;
  /** The shape; [] for a 0-d array (one value). */
  shape: number[];
  /** The file's dtype (canonical spelling). */
  dtype: NpyDType;
}

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** The argument name used in error messages (default 'npy'). */
  name?: string;
}

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /**
   * The dtype to store. Default: from the array type (Float32Array '<f4', Float64Array '<f8',
   * Int32Array '<i4', Uint32Array '<u4', Uint8Array '|u1'). '<i8' is allowed for a
   * Float64Array of safe integers.
   */
  dtype?: NpyDType;
  /** Store the data in Fortran (column-major) order with fortran_order True. Default false. */
  fortranOrder?: boolean;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;
/** Headers longer than this are refused (numpy itself refuses 10,000 by default). */
const MAX_HEADER = 1 << 20;
/** Nesting depth allowed in the header literal (a dict holding a tuple needs 2). */
const MAX_DEPTH = 8;

const ITEMSIZE: Record<NpyDType, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<u4': 4, '|u1': 1, '<i8': 8 };

/** The spellings accepted for each dtype ('=' and '<' mean little-endian on every host we run on;
 * byte order is meaningless for one-byte types). */
const DESCR_ALIASES: Record<string, NpyDType> = {
  '<f4': '<f4', '<f8': '<f8', '<i4': '<i4', '<u4': '<u4', '<i8': '<i8',
  '|u1': '|u1', '<u1': '|u1', '>u1': '|u1', '=u1': '|u1', 'u1': '|u1', '|B': '|u1', 'B': '|u1',
};

const hostLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Parses a .npy file (format versions 1.0–3.0, C or Fortran order, the dtypes of {@link NpyDType})
 * held in memory; the values come back in C order.
 *
 * @throws {@link ArgumentError} naming `opts.name` for a bad magic string, header, dtype or size.
 * @example
 * ```ts
 * const { data, shape } = readNpy(await readFile('params.npy'));   // e.g. Float32Array, [D]
 * model.setParams(data as Float32Array);
 * ```
 */
export function readNpy(input: BytesLike, opts: ReadNpyOptions = {}): NpyArray {
  const name = opts.name ?? 'npy';
  const bytes = toBytes(name, input);
  for (let i = 0; i < MAGIC.length; i++) {
    if (bytes[i] !== MAGIC[i]) {
      throw formatError(name, 'a .npy file starting with the magic string \\x93NUMPY', hexPrefix(bytes));
    }
  }
  if (bytes.length < 10) throw formatError(name, 'a .npy file of at least 10 bytes', `${bytes.length} (truncated)`);
  const major = bytes[6], minor = bytes[7];
  if (!((major === 1 || major === 2 || major === 3) && minor === 0)) {
    throw formatError(name, '.npy format version 1.0, 2.0 or 3.0', `${major}.${minor}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number, headerLen: number;
  if (major === 1) {
    headerStart = 10;
    headerLen = view.getUint16(8, true);
  } else {
    if (bytes.length < 12) throw formatError(name, `a version ${major}.0 .npy file of at least 12 bytes`, `${bytes.length} (truncated)`);
    headerStart = 12;
    headerLen = view.getUint32(8, true);
  }
  if (headerLen > MAX_HEADER) throw formatError(name, `a header of at most ${MAX_HEADER} bytes`, `a header length of ${headerLen}`);
  if (headerStart + headerLen > bytes.length) {
    throw formatError(name, `a ${headerLen}-byte header (as its length field says)`, `${bytes.length - headerStart} bytes after the length field (truncated)`);
  }
  const headerText = decodeHeader(name, bytes.subarray(headerStart, headerStart + headerLen), major === 3);
  const { dtype, fortranOrder, shape } = parseHeader(name, headerText);

  const itemsize = ITEMSIZE[dtype];
  const dataStart = headerStart + headerLen;
  const available = bytes.length - dataStart;
  // Compared before anything is allocated: the declared size must match the bytes present.
  const count = shape.some((d) => d === 0) ? 0 : shape.reduce((p, d) => p * d, 1);
  const byteLength = count * itemsize;
  if (byteLength !== available) {
    throw formatError(
      name,
      `${Number.isSafeInteger(byteLength) ? byteLength : 'more than 2^53'} data bytes for shape ${short(pyTuple(shape))} of ${dtype}`,
      `${available}${available < byteLength ? ' (truncated, or a corrupt shape)' : ' (trailing bytes)'}`,
    );
  }
  let data = decodeData(name, bytes.subarray(dataStart, dataStart + byteLength), dtype, count);
  if (fortranOrder && shape.length > 1) data = reorder(data, shape, 'f-to-c');
  return { data, shape, dtype };
}

function decodeHeader(name: string, b: Uint8Array, utf8: boolean): string {
  if (utf8) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(b);
    } catch {
      throw formatError(name, 'a UTF-8 header (version 3.0)', 'invalid UTF-8');
    }
  }
  // latin-1: each byte is one code point. Built in slices so a long header cannot overflow the stack.
  let s = '';
  for (let i = 0; i < b.length; i += 4096) s += String.fromCharCode(...b.subarray(i, i + 4096));
  return s;
}

function decodeData(name: string, src: Uint8Array, dtype: NpyDType, count: number): NpyData {
  if (dtype === '|u1') return src.slice();
  if (dtype === '<i8') {
    const out = new Float64Array(count);
    const view = new DataView(src.buffer, src.byteOffset, src.byteLength);
    for (let i = 0; i < count; i++) {
      const lo = view.getUint32(8 * i, true);
      const hi = view.getInt32(8 * i + 4, true);
      const v = hi * 4294967296 + lo; // exact while |hi| ≤ 2^21
      if (hi > 0x1fffff || hi < -0x200000 || !Number.isSafeInteger(v)) {
        throw formatError(name, 'int64 values within ±(2^53 − 1), which numbers hold exactly', `${view.getBigInt64(8 * i, true)} at index ${i}`);
      }
      out[i] = v;
    }
    return out;
  }
  // Copy into a fresh, aligned buffer (the data offset need not be aligned in a malformed file).
  const buf = src.slice().buffer;
  if (!hostLittleEndian) swapBytes(new Uint8Array(buf), ITEMSIZE[dtype]);
  switch (dtype) {
    case '<f4': return new Float32Array(buf);
    case '<f8': return new Float64Array(buf);
    case '<i4': return new Int32Array(buf);
    case '<u4': return new Uint32Array(buf);
  }
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let i = 0; i < b.length; i += size) b.subarray(i, i + size).reverse();
}

// The header: a tiny parser for the Python literals numpy writes (dict, tuple, list, str, int,
// True/False/None). Bounded: one pass over the header, recursion depth at most MAX_DEPTH.

class PyTuple {
  constructor(readonly items: PyValue[]) {}
}
type PyValue = string | number | boolean | null | PyTuple | PyValue[] | Map<string, PyValue>;

function parseHeader(name: string, text: string): { dtype: NpyDType; fortranOrder: boolean; shape: number[] } {
  const p = new LiteralParser(name, text);
  const dict = p.parseTop();
  if (!(dict instanceof Map)) throw formatError(name, 'a header that is a Python dict literal', JSON.stringify(text.slice(0, 60)));
  const keys = [...dict.keys()].sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw formatError(name, "a header with exactly the keys 'descr', 'fortran_order', 'shape'", `keys ${keys.map((k) => `'${k}'`).join(', ') || 'none'}`);
  }
  const descr = dict.get('descr');
  if (typeof descr !== 'string') throw formatError(name, "a simple dtype in 'descr' (one of <f4, <f8, <i4, <u4, |u1, <i8)", 'a structured dtype');
  const dtype = Object.hasOwn(DESCR_ALIASES, descr) ? DESCR_ALIASES[descr] : undefined;
  if (!dtype) {
    const be = /^>/.test(descr) ? ' (big-endian: save it as little-endian, e.g. arr.astype(arr.dtype.newbyteorder("<")))' : '';
    throw formatError(name, 'a dtype of <f4, <f8, <i4, <u4, |u1 or <i8', `'${descr}'${be}`);
  }
  const fortran = dict.get('fortran_order');
  if (typeof fortran !== 'boolean') throw formatError(name, "'fortran_order' True or False", describePy(fortran));
  const shapeV = dict.get('shape');
  if (!(shapeV instanceof PyTuple)) throw formatError(name, "'shape' a tuple of non-negative integers", short(describePy(shapeV)));
  const shape = shapeV.items.map((d) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      throw formatError(name, "'shape' a tuple of non-negative integers", short(describePy(shapeV)));
    }
    return d + 0; // -0 → 0
  });
  return { dtype, fortranOrder: fortran, shape };
}

function describePy(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v instanceof PyTuple) return `(${v.items.map(describePy).join(', ')}${v.items.length === 1 ? ',' : ''})`;
  if (Array.isArray(v)) return `[${v.map(describePy).join(', ')}]`;
  if (v instanceof Map) return 'a dict';
  if (typeof v === 'string') return `'${v.length > 40 ? `${v.slice(0, 40)}…` : v}'`;
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

/** A header character for messages: '"x"' when printable ASCII, else its code point. */
function showChar(c: string): string {
  if (c === '') return 'the end of the header';
  const code = c.charCodeAt(0);
  return code > 0x20 && code < 0x7f ? JSON.stringify(c) : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

class LiteralParser {
  private i = 0;
  constructor(private readonly name: string, private readonly s: string) {}

  parseTop(): PyValue {
    const v = this.value(0);
    this.ws();
    // numpy pads with spaces and "\n"; some writers pad with NULs.
    while (this.i < this.s.length && this.s[this.i] === '\0') this.i++;
    if (this.i !== this.s.length) this.fail('nothing but spaces after the header dict', showChar(this.s[this.i]!));
    return v;
  }

  private fail(expected: string, got: string): never {
    throw formatError(this.name, `a valid header (${expected})`, `${got} at header character ${this.i}`);
  }

  private ws(): void {
    while (this.i < this.s.length) {
      const c = this.s.charCodeAt(this.i);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.i++;
      else break;
    }
  }

  private peek(): string {
    this.ws();
    return this.i < this.s.length ? this.s[this.i]! : '';
  }

  private value(depth: number): PyValue {
    if (depth > MAX_DEPTH) this.fail(`nesting at most ${MAX_DEPTH} deep`, 'deeper nesting');
    const c = this.peek();
    if (c === '{') return this.dict(depth);
    if (c === '(') return this.seq(depth, ')');
    if (c === '[') return this.seq(depth, ']');
    if (c === "'" || c === '"') return this.str();
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.int();
    for (const [word, v] of [['True', true], ['False', false], ['None', null]] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    this.fail('a Python literal', showChar(c));
  }

  private dict(depth: number): Map<string, PyValue> {
    this.i++; // {
    const m = new Map<string, PyValue>();
    for (;;) {
      if (this.peek() === '}') {
        this.i++;
        return m;
      }
      const key = this.value(depth + 1);
      if (typeof key !== 'string') this.fail('string keys', describePy(key));
      if (this.peek() !== ':') this.fail("':' after a key", showChar(this.peek()));
      this.i++;
      if (m.has(key)) this.fail('each key once', `a second '${key}'`);
      m.set(key, this.value(depth + 1));
      const c = this.peek();
      if (c === ',') this.i++;
      else if (c !== '}') this.fail("',' or '}'", showChar(c));
    }
  }

  /** A tuple or list. "(x)" without a comma is x itself, as in Python. */
  private seq(depth: number, close: string): PyValue {
    this.i++;
    const items: PyValue[] = [];
    let sawComma = false;
    for (;;) {
      if (this.peek() === close) {
        this.i++;
        break;
      }
      items.push(this.value(depth + 1));
      const c = this.peek();
      if (c === ',') {
        this.i++;
        sawComma = true;
      } else if (c !== close) this.fail(`',' or '${close}'`, showChar(c));
    }
    if (close === ']') return items;
    if (items.length === 1 && !sawComma) return items[0]!;
    return new PyTuple(items);
  }

  private str(): string {
    const q = this.s[this.i++];
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('a closed string', 'the end of the header');
      const c = this.s[this.i++];
      if (c === q) return out;
      if (c === '\\') {
        if (this.i >= this.s.length) this.fail('a closed string', 'the end of the header');
        out += this.s[this.i++];
      } else out += c;
    }
  }

  private int(): number {
    const start = this.i;
    if (this.s[this.i] === '-' || this.s[this.i] === '+') this.i++;
    const digitsStart = this.i;
    while (this.i < this.s.length && this.s[this.i]! >= '0' && this.s[this.i]! <= '9') this.i++;
    const digits = this.s.slice(digitsStart, this.i);
    if (digits.length === 0) this.fail('digits', JSON.stringify(this.s.slice(start, start + 10)));
    if (this.s[this.i] === 'L' || this.s[this.i] === 'l') this.i++; // Python 2 long
    if (digits.length > 16) return Infinity; // beyond 2^53: refused as a dimension by the caller
    const v = Number(digits);
    return this.s[start] === '-' ? -v : v;
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Serialises `data` (C order, `shape` defaults to [data.length]) as a .npy file (version 1.0)
 * that numpy.load reads.
 *
 * @throws {@link ArgumentError} when the shape does not match the data or the dtype does not fit it.
 */
export function writeNpy(data: NpyData, shape?: readonly number[], opts: WriteNpyOptions = {}): Uint8Array {
  const inferred = dtypeOf(data);
  const dtype = opts.dtype ?? inferred;
  if (typeof dtype !== 'string' || !Object.hasOwn(ITEMSIZE, dtype)) throw new ArgumentError('opts.dtype', 'one of <f4, <f8, <i4, <u4, |u1, <i8', dtype);
  if (dtype !== inferred && !(dtype === '<i8' && data instanceof Float64Array)) {
    throw new ArgumentError('opts.dtype', `'${inferred}' for a ${data.constructor.name} (or '<i8' for a Float64Array)`, dtype);
  }
  const dims = shape === undefined ? [data.length] : checkShape(shape);
  const count = dims.reduce((a, b) => a * b, 1);
  if (count !== data.length) throw new ArgumentError('data', `${count} values for shape ${pyTuple(dims)}`, data);
  const fortran = !!opts.fortranOrder;
  const src = fortran && dims.length > 1 ? reorder(data, dims, 'c-to-f') : data;

  let header = `{'descr': '${dtype}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${pyTuple(dims)}, }`;
  if (dims.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(dims[fortran ? dims.length - 1 : 0]).length);
  // Version 1.0 (u16 length) unless the padded header needs more; then 2.0 (u32 length).
  let prefixLen = 10;
  let hlen = header.length + 1;
  let pad = ARRAY_ALIGN - ((prefixLen + hlen) % ARRAY_ALIGN);
  if (hlen + pad > 0xffff) {
    prefixLen = 12;
    pad = ARRAY_ALIGN - ((prefixLen + hlen) % ARRAY_ALIGN);
  }
  hlen += pad;
  const itemsize = ITEMSIZE[dtype];
  const out = new Uint8Array(prefixLen + hlen + count * itemsize);
  out.set(MAGIC, 0);
  out[6] = prefixLen === 10 ? 1 : 2;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (prefixLen === 10) view.setUint16(8, hlen, true);
  else view.setUint32(8, hlen, true);
  let o = prefixLen;
  for (let i = 0; i < header.length; i++) out[o++] = header.charCodeAt(i);
  out.fill(0x20, o, o + pad);
  o += pad;
  out[o++] = 0x0a;
  if (dtype === '<i8') {
    for (let i = 0; i < count; i++) {
      const v = src[i]!;
      if (!Number.isSafeInteger(v)) throw formatError('data', "safe integers for dtype '<i8'", `${v} at index ${i}`);
      view.setBigInt64(o + 8 * i, BigInt(v), true);
    }
  } else if (hostLittleEndian || itemsize === 1) {
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), o);
  } else {
    out.set(new Uint8Array(src.buffer, src.byteOffset, src.byteLength), o);
    swapBytes(out.subarray(o), itemsize);
  }
  return out;
}

function dtypeOf(data: unknown): NpyDType {
  if (data instanceof Float32Array) return '<f4';
  if (data instanceof Float64Array) return '<f8';
  if (data instanceof Int32Array) return '<i4';
  if (data instanceof Uint32Array) return '<u4';
  if (data instanceof Uint8Array) return '|u1';
  throw new ArgumentError('data', 'a Float32Array, Float64Array, Int32Array, Uint32Array or Uint8Array', data);
}

function checkShape(shape: unknown): number[] {
  if (!Array.isArray(shape)) throw new ArgumentError('shape', 'an array of non-negative integers', shape);
  return shape.map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) throw new ArgumentError(`shape[${i}]`, 'a non-negative integer', d);
    return d;
  });
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 77)}…)` : s;
}

/** Python's repr of a tuple of ints: (), (5,), (2, 3). */
function pyTuple(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/**
 * Converts between C order (last index fastest) and Fortran order (first index fastest). Walks
 * the C-order multi-index once, keeping the Fortran offset up to date incrementally.
 */
function reorder<T extends NpyData>(src: T, fullShape: readonly number[], dir: 'f-to-c' | 'c-to-f'): T {
  const out = new (src.constructor as { new (n: number): T })(src.length);
  if (src.length === 0) return out;
  // Axes of length 1 do not change the order; dropping them leaves at most log2(size) axes, so
  // the carry loop below costs O(1) amortised per element whatever the header says.
  const shape = fullShape.filter((d) => d !== 1);
  const nd = shape.length;
  const fstride = new Array<number>(nd);
  for (let j = 0, s = 1; j < nd; j++) {
    fstride[j] = s;
    s *= shape[j]!;
  }
  const idx = new Array<number>(nd).fill(0);
  let f = 0;
  for (let c = 0; c < src.length; c++) {
    if (dir === 'f-to-c') out[c] = src[f]!;
    else out[f] = src[c]!;
    for (let j = nd - 1; j >= 0; j--) {
      idx[j]!++;
      f += fstride[j]!;
      if (idx[j]! < shape[j]!) break;
      f -= fstride[j]! * shape[j]!;
      idx[j] = 0;
    }
  }
  return out;
}
