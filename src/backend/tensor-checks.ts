/**
 * Argument checks of the Backend methods, shared by both backends so the same mistake gets the
 * same error and message whichever backend runs: tensors (type, owner, disposal, dtype, ranges)
 * and kernel options (filled with their defaults). Each throws an ArgumentError naming the
 * argument, or a DisposedError for a disposed tensor.
 */
import { ArgumentError, DisposedError } from '../errors.js';
import type { Activation, BackendName, BroadcastOptions, DType, FromArrayOptions, GemmOptions, MaskOptions, ReduceOp, RowsOptions, Tensor } from './backend.js';
import { ACTIVATIONS, REDUCE_OPS } from './backend.js';
import { keepThreshold } from '../random/counter-hash.js';
import { checkFinite, checkInt } from './validate.js';

/** Largest u32, the bound for counters and seeds. */
const U32_MAX = 0xffffffff;

/** A tensor as a backend makes it: it knows the backend instance that owns it. */
export interface OwnedTensor extends Tensor {
  /** The backend instance that created it (tensors do not move between backends). */
  readonly owner: object;
}

/** The backend a tensor must belong to: the instance, and its name for messages. */
export interface TensorOwner {
  readonly name: BackendName;
}

/**
 * `t` is a live tensor made by `owner` (and of `dtype` if given; writable where the call writes
 * it, `written`). A non-tensor, a tensor of the other backend, a tensor of another instance of
 * this backend (another engine), the wrong dtype or a read-only output is an ArgumentError naming
 * the argument; a disposed tensor a DisposedError.
 */
export function checkTensor(name: string, t: unknown, owner: TensorOwner, dtype?: DType, written = false): OwnedTensor {
  if (t === null || typeof t !== 'object' || typeof (t as Tensor).size !== 'number') {
    throw new ArgumentError(name, 'a Tensor', t);
  }
  const tensor = t as OwnedTensor;
  if (tensor.disposed) throw new DisposedError(`${name}: tensor was disposed`);
  if (tensor.backend !== owner.name) {
    throw new ArgumentError(name, `a tensor of the ${owner.name} backend`, `a tensor of the ${tensor.backend} backend`);
  }
  if (tensor.owner !== owner) {
    throw new ArgumentError(name, `a tensor of this ${owner.name} backend`, `a tensor of another ${owner.name} backend (another engine)`);
  }
  if (dtype && tensor.dtype !== dtype) throw new ArgumentError(name, `a ${dtype} tensor`, `a ${tensor.dtype} tensor`);
  if (written && tensor.readOnly) throw new ArgumentError(name, 'a writable tensor: this call writes it, and this one was made read-only (fromArray with readOnly: true)');
  return tensor;
}

/** fromArray's options: undefined or an object whose readOnly, if given, is a boolean; the flag. */
export function checkFromArrayOptions(options: FromArrayOptions | undefined): boolean {
  if (options === undefined) return false;
  if (options === null || typeof options !== 'object') throw new ArgumentError('options', 'an object or undefined', options);
  const ro = options.readOnly ?? false;
  if (typeof ro !== 'boolean') throw new ArgumentError('options.readOnly', 'a boolean', ro);
  return ro;
}

/** True when `t` is a tensor of `owner` that was disposed (disposing it again is allowed). */
export function isDisposedOf(t: unknown, owner: TensorOwner): boolean {
  return t !== null && typeof t === 'object' && (t as OwnedTensor).owner === owner && (t as OwnedTensor).disposed;
}

/** The error of any call on a destroyed backend. */
export function destroyedError(owner: TensorOwner): DisposedError {
  return new DisposedError(`${owner.name} backend was destroyed`);
}

export function checkRange(name: string, t: Tensor, offset: number, length: number): void {
  checkInt(`${name} offset`, offset, 0);
  checkInt(`${name} length`, length, 0);
  if (offset + length > t.size) {
    throw new ArgumentError(name, `at least ${offset + length} elements (offset ${offset} + length ${length})`, t.size);
  }
}

/** copy(src, dst, …): live tensors of `owner` of one dtype, both ranges inside them; the length copied. */
export function resolveCopy(owner: TensorOwner, src: unknown, dst: unknown, srcOffset: number, dstOffset: number, length?: number): { s: OwnedTensor; d: OwnedTensor; len: number } {
  const s = checkTensor('src', src, owner);
  const d = checkTensor('dst', dst, owner, s.dtype, true);
  const len = length ?? s.size - srcOffset;
  checkRange('src', s, srcOffset, len);
  checkRange('dst', d, dstOffset, len);
  return { s, d, len };
}

export function checkSameSize(nameA: string, a: Tensor, nameB: string, b: Tensor): void {
  if (a.size !== b.size) throw new ArgumentError(nameB, `${a.size} elements like ${nameA}`, b.size);
}

export function checkActivation(kind: unknown): Activation {
  if (!ACTIVATIONS.includes(kind as Activation)) throw new ArgumentError('kind', `one of ${ACTIVATIONS.join(', ')}`, kind);
  return kind as Activation;
}

/** The derivative order of an activation call: false/0, true/1 or 2. */
export function derivativeOrder(d: unknown): 0 | 1 | 2 {
  if (d === undefined || d === false || d === 0) return 0;
  if (d === true || d === 1) return 1;
  if (d === 2) return 2;
  throw new ArgumentError('derivative', 'false/0, true/1 or 2', d);
}

export function checkReduceOp(op: unknown): ReduceOp {
  if (!REDUCE_OPS.includes(op as ReduceOp)) throw new ArgumentError('op', `one of ${REDUCE_OPS.join(', ')}`, op);
  return op as ReduceOp;
}

export type ResolvedGemm = Required<GemmOptions>;

/** Fills defaults and checks that every batch entry of A, B and C lies inside its tensor. */
export function resolveGemm(owner: TensorOwner, a: Tensor, b: Tensor, c: Tensor, opts: GemmOptions): ResolvedGemm {
  checkTensor('a', a, owner, 'f32');
  checkTensor('b', b, owner, 'f32');
  checkTensor('c', c, owner, 'f32', true);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object with m, n, k');
  const m = checkInt('opts.m', opts.m, 1);
  const n = checkInt('opts.n', opts.n, 1);
  const k = checkInt('opts.k', opts.k, 1);
  const batch = checkInt('opts.batch', opts.batch ?? 1, 1);
  const r: ResolvedGemm = {
    m, n, k, batch,
    transA: !!opts.transA,
    transB: !!opts.transB,
    alpha: checkFinite('opts.alpha', opts.alpha ?? 1),
    beta: checkFinite('opts.beta', opts.beta ?? 0),
    strideA: checkInt('opts.strideA', opts.strideA ?? m * k, 0),
    strideB: checkInt('opts.strideB', opts.strideB ?? k * n, 0),
    strideC: checkInt('opts.strideC', opts.strideC ?? m * n, 0),
    offsetA: checkInt('opts.offsetA', opts.offsetA ?? 0, 0),
    offsetB: checkInt('opts.offsetB', opts.offsetB ?? 0, 0),
    offsetC: checkInt('opts.offsetC', opts.offsetC ?? 0, 0),
  };
  const need = (name: string, t: Tensor, offset: number, stride: number, len: number) => {
    const last = offset + stride * (batch - 1) + len;
    if (last > t.size) throw new ArgumentError(name, `at least ${last} elements for this gemm shape`, t.size);
  };
  need('a', a, r.offsetA, r.strideA, m * k);
  need('b', b, r.offsetB, r.strideB, k * n);
  need('c', c, r.offsetC, r.strideC, m * n);
  if (r.strideC === 0 && batch > 1) throw new ArgumentError('opts.strideC', 'a positive stride when batch > 1 (outputs may not overlap)', 0);
  return r;
}

export type ResolvedMask = Required<MaskOptions> & { threshold: number; invKeep: number };

/** Fills defaults, checks ranges and derives the integer threshold floor(keep · 2^31). */
export function resolveMask(owner: TensorOwner, out: Tensor, opts: MaskOptions): ResolvedMask {
  checkTensor('out', out, owner, 'f32', true);
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object with seed, step, layer, units, samples, keep');
  const keep = opts.keep;
  if (typeof keep !== 'number' || !(keep > 0 && keep <= 1)) throw new ArgumentError('opts.keep', 'a number in (0, 1]', keep);
  const units = checkInt('opts.units', opts.units, 1);
  const samples = checkInt('opts.samples', opts.samples, 1);
  if (units * samples > out.size) throw new ArgumentError('out', `at least ${units * samples} elements (samples × units)`, out.size);
  return {
    seed: checkInt('opts.seed', opts.seed, 0, U32_MAX),
    step: checkInt('opts.step', opts.step, 0, U32_MAX),
    layer: checkInt('opts.layer', opts.layer, 0, U32_MAX),
    units, samples, keep,
    unitOffset: checkInt('opts.unitOffset', opts.unitOffset ?? 0, 0, U32_MAX),
    sampleOffset: checkInt('opts.sampleOffset', opts.sampleOffset ?? 0, 0, U32_MAX),
    threshold: keepThreshold(keep),
    invKeep: Math.fround(1 / keep),
  };
}

/** create(size, dtype): size a positive integer, dtype 'f32' or 'u32'. */
export function checkCreate(size: unknown, dtype: unknown): { size: number; dtype: DType } {
  checkInt('size', size, 1);
  if (dtype !== 'f32' && dtype !== 'u32') throw new ArgumentError('dtype', "'f32' or 'u32'", dtype);
  return { size: size as number, dtype };
}

/** fromArray/write data: a Float32Array or Uint32Array (its type gives the dtype). */
export function checkData(name: string, data: unknown): DType {
  if (data instanceof Float32Array) return 'f32';
  if (data instanceof Uint32Array) return 'u32';
  throw new ArgumentError(name, 'a Float32Array or Uint32Array', data);
}

/** fromArray(data): typed data of at least one element; returns its dtype. */
export function checkFromArray(data: unknown): DType {
  const dtype = checkData('data', data);
  checkInt('data.length', (data as Float32Array | Uint32Array).length, 1);
  return dtype;
}

/** write(t, data): data of the tensor's own type. */
export function checkWriteData(t: Tensor, data: unknown): void {
  if (checkData('data', data) !== t.dtype) {
    throw new ArgumentError('data', `a ${t.dtype === 'f32' ? 'Float32Array' : 'Uint32Array'} for a ${t.dtype} tensor`, data);
  }
}

/** rows × cols with both positive; returns them. */
export function checkRows(opts: unknown): RowsOptions {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object with rows and cols', opts);
  const o = opts as RowsOptions;
  return { rows: checkInt('opts.rows', o.rows, 1), cols: checkInt('opts.cols', o.cols, 1) };
}

/** Tensor `name` holds at least rows·cols elements. */
export function checkMatrix(name: string, t: Tensor, rows: number, cols: number): void {
  if (t.size < rows * cols) throw new ArgumentError(name, `at least ${rows * cols} elements (${rows} × ${cols})`, t.size);
}

export function resolveBroadcast(owner: TensorOwner, x: Tensor, v: Tensor, out: Tensor, opts: BroadcastOptions): Required<BroadcastOptions> {
  for (const [n, t] of [['x', x], ['v', v], ['out', out]] as const) checkTensor(n, t, owner, 'f32', n === 'out');
  const { rows, cols } = checkRows(opts);
  const op = opts.op;
  if (op !== 'add' && op !== 'mul') throw new ArgumentError('opts.op', "'add' or 'mul'", op);
  const vOffset = checkInt('opts.vOffset', opts.vOffset ?? 0, 0);
  const batch = checkInt('opts.batch', opts.batch ?? 1, 1);
  const vStride = checkInt('opts.vStride', opts.vStride ?? 0, 0);
  checkMatrix('x', x, batch * rows, cols);
  checkMatrix('out', out, batch * rows, cols);
  checkRange('v', v, vOffset, vStride * (batch - 1) + cols);
  return { rows, cols, op, vOffset, batch, vStride };
}

export function resolveSoftmaxXent(owner: TensorOwner, logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor, opts: RowsOptions): RowsOptions {
  for (const [n, t] of [['logits', logits], ['targets', targets], ['grad', grad], ['loss', loss]] as const) checkTensor(n, t, owner, 'f32', n === 'grad' || n === 'loss');
  const r = checkRows(opts);
  checkMatrix('logits', logits, r.rows, r.cols);
  checkMatrix('targets', targets, r.rows, r.cols);
  checkMatrix('grad', grad, r.rows, r.cols);
  checkMatrix('loss', loss, r.rows, 1);
  return r;
}

export function resolveGatherRows(owner: TensorOwner, src: Tensor, index: Tensor, dst: Tensor, opts: RowsOptions): RowsOptions & { srcRows: number } {
  checkTensor('src', src, owner);
  checkTensor('index', index, owner, 'u32');
  checkTensor('dst', dst, owner, undefined, true);
  if (src.dtype !== dst.dtype) throw new ArgumentError('dst', `a ${src.dtype} tensor like src`, `a ${dst.dtype} tensor`);
  const r = checkRows(opts);
  checkMatrix('index', index, r.rows, 1);
  checkMatrix('dst', dst, r.rows, r.cols);
  return { ...r, srcRows: Math.floor(src.size / r.cols) };
}

