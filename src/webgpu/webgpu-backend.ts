/**
 * The WebGPU backend: tensors are GPUBuffers, kernels are the WGSL files in shaders/, work is
 * recorded into one command encoder and submitted on read()/flush() (see recorder.ts).
 * Every method validates with src/backend/validate.ts, so messages match the WASM backend.
 */
import type {
  Activation, Backend, BackendInfo, BroadcastOptions, DType, FromArrayOptions, GemmOptions, MaskOptions, ReduceOp, RowsOptions, Tensor,
} from '../backend/backend.js';
import { ACTIVATIONS } from '../backend/backend.js';
import { ACTIVATION_CODES, type ParamValues } from '../backend/kernel-declarations.js';
import {
  checkActivation, checkCreate, checkFromArray, checkFromArrayOptions, checkRange, checkReduceOp, checkSameSize, checkTensor, checkWriteData, resolveCopy, derivativeOrder,
  destroyedError, isDisposedOf, resolveBroadcast, resolveGatherRows, resolveGemm, resolveMask, resolveSoftmaxXent, type ResolvedGemm,
} from '../backend/tensor-checks.js';
import { checkFinite, checkInt } from '../backend/validate.js';
import { ArgumentError, BackendUnavailableError, DeviceLostError, DropoutSmeError } from '../errors.js';
import { getGPU, NODE_HINT, runtimeName } from './gpu-provider.js';
import { PipelineCache } from './pipelines.js';
import { Recorder } from './recorder.js';
import { bufferBytes, MAP_READ_MODE, USAGE, WebGPUTensor } from './tensor.js';
import { gemmChunks, gemmDefines, gemmPieces, gemmRegions, gemmSlabs, gemmTile, gemmVec4, grid1D, SPLIT_K, type GemmDefines, type GemmPiece, type GemmSlabs } from './gemm-plan.js';
import { checkLimitCaps, perDispatch, planLimits, spans, type DeviceLimitCaps, type PlanLimits } from './limits.js';

const U32_MAX = 0xffffffff;
const TENSOR_USAGE = USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST;
/** Workgroups of the first reduction pass: at most this many partial sums. */
const REDUCE_GROUPS = 1024;
/** One block of a gemm: its Params fields but the grid chunk's (batch0, tileX0, tileY0), and its batch. */
type GemmBlock = Omit<ParamValues<'gemm'>, 'betaZero' | 'batch0' | 'tileX0' | 'tileY0'> & { batch: number; betaZero: boolean };

export interface WebGPUBackendOptions {
  /** A GPU object to use instead of navigator.gpu / the `webgpu` package; null disables WebGPU. */
  gpu?: GPU | null;
  powerPreference?: GPUPowerPreference;
  /**
   * Caps on the device limits the backend plans with (testing hook: forces the split paths that
   * large problems take; see limits.ts). Values above the device's own limits are ignored.
   */
  limits?: DeviceLimitCaps;
  /**
   * A benchmarking hook: false runs every gemm piece whole, as before split-K (gemm-plan.ts), so a
   * benchmark can measure what split-K buys in the same run. Default true. Results differ from the
   * split run in the last bits (the k sums are grouped differently).
   */
  splitK?: boolean;
}

/** An error the GPU reported asynchronously (validation, out of memory, internal). */
export class WebGPUError extends DropoutSmeError {}

const f32Bits = (() => {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  return (v: number) => {
    f[0] = v;
    return u[0]!;
  };
})();

export class WebGPUBackend implements Backend {
  readonly name = 'webgpu' as const;
  /** Set when the device was lost (driver reset, device.destroy()): the reason, for callers to fall back. */
  lostReason: string | null = null;
  private destroyed = false;
  /** Resolves when the device is lost; reads and flushes race against it so none waits forever. */
  private readonly lost: Promise<void>;
  private readonly lostListeners: ((reason: string) => void)[] = [];
  private readonly live = new Set<WebGPUTensor>();
  private readonly pipelines: PipelineCache;
  private readonly rec: Recorder;
  private readonly maxPerDim: number;
  /** The limits work is planned with (the device's, or lower caps). */
  readonly limits: PlanLimits;
  private readonly reduceScratch: GPUBuffer;
  /** Ones for the split-K reduction gemm (A = 1 × total slabs). */
  private readonly slabOnes: GPUBuffer;
  private gpuErrors: string[] = [];

  constructor(readonly device: GPUDevice, readonly info: BackendInfo, caps: DeviceLimitCaps = {}, private readonly splitK = true) {
    this.pipelines = new PipelineCache(device);
    this.rec = new Recorder(device);
    this.limits = planLimits(device.limits, checkLimitCaps(caps));
    this.maxPerDim = this.limits.maxPerDim;
    this.reduceScratch = device.createBuffer({ label: 'reduce scratch', size: bufferBytes(REDUCE_GROUPS + 1), usage: TENSOR_USAGE });
    this.slabOnes = device.createBuffer({ label: 'split-k ones', size: bufferBytes(SPLIT_K.maxSlabs + 1), usage: TENSOR_USAGE, mappedAtCreation: true });
    new Float32Array(this.slabOnes.getMappedRange()).fill(1);
    this.slabOnes.unmap();
    this.lost = device.lost.then((info) => {
      if (this.destroyed) return; // our own destroy(): not a loss
      this.lostReason ??= `${info.reason || 'unknown'}${info.message ? `: ${info.message}` : ''}`;
      for (const f of this.lostListeners) f(this.lostReason);
    });
    const onError = (ev: Event) => {
      const err = (ev as GPUUncapturedErrorEvent).error;
      if (this.gpuErrors.length < 20) this.gpuErrors.push(err?.message ?? String(err));
    };
    if (typeof device.addEventListener === 'function') device.addEventListener('uncapturederror', onError);
    else (device as { onuncapturederror: unknown }).onuncapturederror = onError;
  }

  // ---- bookkeeping ----

  private alive(): void {
    if (this.destroyed) throw destroyedError(this);
    if (this.lostReason) throw new DeviceLostError(this.lostReason);
  }

  /** Calls `f` with the reason once the device is lost (not on dispose/destroy). */
  onLost(f: (reason: string) => void): void {
    if (this.lostReason && !this.destroyed) f(this.lostReason);
    else this.lostListeners.push(f);
  }

  /** Waits for `p` unless the device is lost first; then (or if lost meanwhile) DeviceLostError. */
  private async unlessLost<T>(p: Promise<T>): Promise<T> {
    p.catch(() => {}); // a rejection after a loss is expected; it is reported as the loss
    let r: { v: T } | null;
    try {
      r = await Promise.race([p.then((v) => ({ v })), this.lost.then(() => null)]);
    } catch (err) {
      // A failure may be the first sign of a loss: give device.lost a moment to say so.
      await Promise.race([this.lost, new Promise((resolve) => setTimeout(resolve, 100))]);
      if (this.lostReason) throw new DeviceLostError(this.lostReason);
      throw err;
    }
    if (this.lostReason) throw new DeviceLostError(this.lostReason);
    if (r === null) throw new DeviceLostError('device lost');
    return r.v;
  }

  /** A binding of elements [start, start + count) of `buffer`: whole vec4s, inside the buffer. */
  private bind(buffer: GPUBuffer, start: number, count: number): GPUBufferBinding {
    const offset = start * 4;
    return { buffer, offset, size: Math.min(Math.ceil(Math.max(count, 1) / 4) * 16, buffer.size - offset) };
  }

  /** Binding of elements [start, end) from an aligned offset: the binding and start's index in it. */
  private window(buffer: GPUBuffer, start: number, end: number): [GPUBufferBinding, number] {
    const lo = start - (start % this.limits.align);
    return [this.bind(buffer, lo, end - lo), start - lo];
  }

  /** `t` checked as a live tensor of this backend (the shared checks: only ours have this owner). */
  private tensor(name: string, t: unknown, dtype?: DType, written = false): WebGPUTensor {
    return checkTensor(name, t, this, dtype, written) as WebGPUTensor;
  }

  private throwGpuErrors(): void {
    if (this.gpuErrors.length) {
      const msgs = this.gpuErrors;
      this.gpuErrors = [];
      throw new WebGPUError(`WebGPU reported ${msgs.length} error(s): ${msgs.join(' | ')}`);
    }
  }

  private begin(): void {
    this.alive();
    this.rec.maybeSubmit();
  }

  liveTensors(): number {
    return this.live.size;
  }

  memoryBytes(): number {
    let bytes = 0;
    for (const t of this.live) bytes += t.buffer.size;
    return bytes;
  }

  // ---- memory ----

  private newTensor(size: number, dtype: DType, init?: Float32Array | Uint32Array): WebGPUTensor {
    const buffer = this.device.createBuffer({ size: bufferBytes(size), usage: TENSOR_USAGE, mappedAtCreation: !!init });
    if (init) {
      new Uint8Array(buffer.getMappedRange()).set(new Uint8Array(init.buffer, init.byteOffset, init.byteLength));
      buffer.unmap();
    }
    const t = new WebGPUTensor(size, dtype, buffer, this);
    this.live.add(t);
    return t;
  }

  private checkFits(name: string, size: number): void {
    if (size > this.limits.bufferElems) {
      throw new ArgumentError(name, `at most ${this.limits.bufferElems} elements (this device's maxBufferSize)`, size);
    }
  }

  create(size: number, dtype: DType = 'f32'): Tensor {
    this.alive();
    const r = checkCreate(size, dtype);
    this.checkFits('size', r.size);
    return this.newTensor(r.size, r.dtype); // WebGPU buffers start zeroed
  }

  fromArray(data: Float32Array | Uint32Array, options?: FromArrayOptions): Tensor {
    this.alive();
    const dtype = checkFromArray(data);
    const readOnly = checkFromArrayOptions(options);
    this.checkFits('data.length', data.length);
    const t = this.newTensor(data.length, dtype, data);
    t.readOnly = readOnly;
    return t;
  }

  write(t: Tensor, data: Float32Array | Uint32Array, offset = 0): void {
    this.begin();
    const tensor = this.tensor('t', t, undefined, true);
    checkWriteData(tensor, data);
    checkRange('t', tensor, offset, data.length);
    this.rec.upload(data, tensor.buffer, offset * 4);
  }

  async read(t: Tensor, offset = 0, length?: number): Promise<Float32Array | Uint32Array> {
    this.alive();
    const tensor = this.tensor('t', t);
    const len = length ?? tensor.size - offset;
    checkRange('t', tensor, offset, len);
    const Out = tensor.dtype === 'f32' ? Float32Array : Uint32Array;
    if (len === 0) {
      this.throwGpuErrors();
      return new Out(0);
    }
    const staging = this.device.createBuffer({ label: 'read', size: len * 4, usage: USAGE.MAP_READ | USAGE.COPY_DST });
    this.rec.copy(tensor.buffer, offset * 4, staging, 0, len * 4);
    this.rec.submit();
    try {
      await this.unlessLost(staging.mapAsync(MAP_READ_MODE));
      const out = new Out(len);
      new Uint8Array(out.buffer).set(new Uint8Array(staging.getMappedRange(), 0, len * 4));
      staging.unmap();
      this.throwGpuErrors();
      return out;
    } catch (err) {
      if (this.lostReason) throw new DeviceLostError(this.lostReason);
      throw err;
    } finally {
      staging.destroy();
    }
  }

  copy(src: Tensor, dst: Tensor, srcOffset = 0, dstOffset = 0, length?: number): void {
    this.begin();
    const r = resolveCopy(this, src, dst, srcOffset, dstOffset, length);
    const s = r.s as WebGPUTensor, d = r.d as WebGPUTensor, len = r.len;
    if (len === 0) return;
    if (s.buffer === d.buffer) {
      if (srcOffset === dstOffset) return;
      // copyBufferToBuffer forbids src === dst: go through a temporary (also makes overlap safe).
      const tmp = this.rec.temp(len * 4, USAGE.COPY_SRC | USAGE.COPY_DST, 'copy temp');
      this.rec.copy(s.buffer, srcOffset * 4, tmp, 0, len * 4);
      this.rec.copy(tmp, 0, d.buffer, dstOffset * 4, len * 4);
      this.rec.release(tmp);
    } else {
      this.rec.copy(s.buffer, srcOffset * 4, d.buffer, dstOffset * 4, len * 4);
    }
  }

  fill(t: Tensor, value: number): void {
    this.begin();
    const tensor = this.tensor('t', t, undefined, true);
    let bits: number;
    if (tensor.dtype === 'u32') bits = checkInt('value', value, 0, U32_MAX);
    else {
      if (typeof value !== 'number') throw new ArgumentError('value', 'a number', value);
      bits = f32Bits(value);
    }
    if (bits === 0) {
      this.rec.clear(tensor.buffer, 0, tensor.buffer.size);
      return;
    }
    for (const { start, count } of spans(tensor.size, perDispatch(this.limits), this.limits.align)) {
      const params = this.rec.params('fill', { n: count, bits });
      const [x, y] = grid1D(count, this.maxPerDim);
      this.rec.dispatch(this.pipelines.get('fill'), [params, this.bind(tensor.buffer, start, count)], x, y);
    }
  }

  dispose(t: Tensor): void {
    if (isDisposedOf(t, this)) return;
    const tensor = this.tensor('t', t);
    tensor.markDisposed();
    this.live.delete(tensor);
    if (!this.destroyed) this.rec.release(tensor.buffer);
  }

  // ---- kernels ----

  gemm(a: Tensor, b: Tensor, c: Tensor, opts: GemmOptions): void {
    this.begin();
    const g = resolveGemm(this, a, b, c, opts);
    const A = this.tensor('a', a);
    const B = this.tensor('b', b);
    const C = this.tensor('c', c);
    // Planned first: a gemm that cannot be split throws before any copy or dispatch.
    const pieces = gemmPieces(g, this.limits.bindElems, this.limits.align);
    // C is bound read-write: an input that is the same buffer is read from a copy of its range.
    const temps: GPUBuffer[] = [];
    const inputCopy = (t: WebGPUTensor, offset: number, stride: number, len: number): [GPUBuffer, number] => {
      if (t.buffer !== C.buffer) return [t.buffer, offset];
      const lo = offset - (offset % 4);
      const hi = offset + stride * (g.batch - 1) + len;
      const tmp = this.rec.temp((hi - lo) * 4, TENSOR_USAGE, 'gemm input copy');
      this.rec.copy(t.buffer, lo * 4, tmp, 0, (hi - lo) * 4);
      temps.push(tmp);
      return [tmp, offset - lo];
    };
    const [bufA, offA] = inputCopy(A, g.offsetA, g.strideA, g.m * g.k);
    const [bufB, offB] = inputCopy(B, g.offsetB, g.strideB, g.k * g.n);
    const r = { ...g, offsetA: offA, offsetB: offB };
    const alpha = Math.fround(g.alpha);
    const beta = Math.fround(g.beta);
    const tile = gemmTile(g.m, g.n);
    // Pieces keep each binding within the limit; chunks keep each grid dimension within it.
    for (const pc of pieces) {
      const slabs = this.splitK ? gemmSlabs(pc, tile, pc.cols === g.n || pc.rows === 1, this.limits.bindElems - 4) : null;
      if (slabs) {
        this.gemmSplitK(r, pc, slabs, bufA, bufB, C.buffer);
        continue;
      }
      const rg = gemmRegions(r, pc);
      const [wA, oA] = this.window(bufA, rg.a.start, rg.a.start + g.strideA * (pc.nb - 1) + rg.a.span);
      const [wB, oB] = this.window(bufB, rg.b.start, rg.b.start + g.strideB * (pc.nb - 1) + rg.b.span);
      const [wC, oC] = this.window(C.buffer, rg.c.start, rg.c.start + g.strideC * (pc.nb - 1) + rg.c.span);
      // The tile follows the whole product, so every piece runs the same arithmetic.
      const defines = gemmDefines(g, {
        a: gemmVec4(rg.a, oA, g.strideA, pc.nb),
        b: gemmVec4(rg.b, oB, g.strideB, pc.nb),
        c: gemmVec4(rg.c, oC, g.strideC, pc.nb),
      });
      // A later slab of the reduction adds to what the earlier ones left in C.
      const first = pc.k0 === 0;
      this.gemmDispatch(defines, [wA, wB, wC], {
        m: pc.rows, n: pc.cols, k: pc.kk, batch: pc.nb, betaZero: first && g.beta === 0, alpha, beta: first ? beta : 1,
        strideA: g.strideA, strideB: g.strideB, strideC: g.strideC, offA: oA, offB: oB, offC: oC, lda: rg.a.ld, ldb: rg.b.ld, ldc: rg.c.ld,
      });
    }
    for (const t of temps) this.rec.release(t);
  }

  /** One piece of a gemm by split-K (see gemmSlabs), batch entry by entry; C's rows are contiguous. */
  private gemmSplitK(g: ResolvedGemm, pc: GemmPiece, slabs: GemmSlabs, bufA: GPUBuffer, bufB: GPUBuffer, bufC: GPUBuffer): void {
    const per = pc.rows * pc.cols;
    const scratch = this.rec.temp(bufferBytes(slabs.total * per), TENSOR_USAGE, 'gemm slabs');
    const first = pc.k0 === 0;
    const tRegion = { start: 0, ld: pc.cols, span: per, run: pc.cols };
    for (let b = pc.b0; b < pc.b0 + pc.nb; b++) {
      const rg = gemmRegions(g, { ...pc, b0: b, nb: 1 });
      const [wA, oA] = this.window(bufA, rg.a.start, rg.a.start + rg.a.span);
      const [wB, oB] = this.window(bufB, rg.b.start, rg.b.start + rg.b.span);
      // Slab j reads k from k0 + j·depth: in stored A (B) that is `depth` columns or rows further on.
      const sA = g.transA ? slabs.depth * rg.a.ld : slabs.depth;
      const sB = g.transB ? slabs.depth : slabs.depth * rg.b.ld;
      const partial = (count: number, kk: number, slab0: number) => {
        const offA = oA + slab0 * sA, offB = oB + slab0 * sB;
        const defines = gemmDefines(g, {
          a: gemmVec4(rg.a, offA, sA, count), b: gemmVec4(rg.b, offB, sB, count), c: gemmVec4(tRegion, slab0 * per, per, count),
        });
        this.gemmDispatch(defines, [wA, wB, { buffer: scratch }], {
          m: pc.rows, n: pc.cols, k: kk, batch: count, betaZero: true, alpha: 1, beta: 0,
          strideA: sA, strideB: sB, strideC: per, offA, offB, offC: slab0 * per, lda: rg.a.ld, ldb: rg.b.ld, ldc: pc.cols,
        });
      };
      partial(slabs.count, slabs.depth, 0);
      if (slabs.rem > 0) partial(1, slabs.rem, slabs.count);
      // C = α·(1 … 1)·T + β·C, C's block as one row of rows·cols (first slab of a binding split: β, else 1).
      const [wC, oC] = this.window(bufC, rg.c.start, rg.c.start + per);
      const row = { start: 0, ld: per, span: per, run: per };
      const defines = gemmDefines({ m: 1, n: per, transA: false, transB: false }, { a: false, b: gemmVec4(row, 0, 0, 1), c: gemmVec4(row, oC, 0, 1) });
      this.gemmDispatch(defines, [{ buffer: this.slabOnes }, { buffer: scratch }, wC], {
        m: 1, n: per, k: slabs.total, batch: 1, betaZero: first && g.beta === 0, alpha: Math.fround(g.alpha), beta: first ? Math.fround(g.beta) : 1,
        strideA: 0, strideB: 0, strideC: 0, offA: 0, offB: 0, offC: oC, lda: slabs.total, ldb: per, ldc: per,
      });
    }
    this.rec.release(scratch);
  }

  /** Dispatches shaders/gemm.wgsl over one block (its Params fields), in grid chunks the device allows. */
  private gemmDispatch(defines: GemmDefines, [a, b, c]: GPUBindingResource[], p: GemmBlock): void {
    const pipeline = this.pipelines.get('gemm', defines);
    for (const ch of gemmChunks({ m: p.m, n: p.n, batch: p.batch }, this.maxPerDim, defines.TILE)) {
      // An object literal, not a spread of p: a spread object is slow to read field by field.
      const params = this.rec.params('gemm', {
        m: p.m, n: p.n, k: p.k, betaZero: p.betaZero ? 1 : 0, strideA: p.strideA, strideB: p.strideB, strideC: p.strideC, batch0: ch.batch0,
        offA: p.offA, offB: p.offB, offC: p.offC, tileX0: ch.tileX0, alpha: p.alpha, beta: p.beta, tileY0: ch.tileY0, lda: p.lda, ldb: p.ldb, ldc: p.ldc,
      });
      this.rec.dispatch(pipeline, [params, a!, b!, c!], ch.x, ch.y, ch.z);
    }
  }

  private elementwise(kernel: 'activation' | 'axpy' | 'scale' | 'mul', defines: Record<string, boolean>, n: number, alpha: number, buffers: GPUBuffer[]): void {
    const pipeline = this.pipelines.get(kernel, defines);
    for (const { start, count } of spans(n, perDispatch(this.limits), this.limits.align)) {
      const params = this.rec.params(kernel, { n: count, alpha });
      const [x, y] = grid1D(count, this.maxPerDim);
      this.rec.dispatch(pipeline, [params, ...buffers.map((b) => this.bind(b, start, count))], x, y);
    }
  }

  activation(x: Tensor, y: Tensor, kind: Activation, derivative: boolean | 0 | 1 | 2 = false): void {
    this.begin();
    const X = this.tensor('x', x, 'f32');
    const Y = this.tensor('y', y, 'f32', true);
    checkActivation(kind);
    const order = derivativeOrder(derivative);
    checkSameSize('x', X, 'y', Y);
    const inplace = X === Y;
    const defines: Record<string, boolean> = { DERIV: order === 1, DERIV2: order === 2, INPLACE: inplace };
    for (const a of ACTIVATIONS) defines[ACTIVATION_CODES[a].define] = a === kind;
    this.elementwise('activation', defines, X.size, 0, inplace ? [X.buffer] : [X.buffer, Y.buffer]);
  }

  axpy(alpha: number, x: Tensor, y: Tensor): void {
    this.begin();
    checkFinite('alpha', alpha);
    const X = this.tensor('x', x, 'f32');
    const Y = this.tensor('y', y, 'f32', true);
    checkSameSize('x', X, 'y', Y);
    const inplace = X === Y;
    this.elementwise('axpy', { INPLACE: inplace }, X.size, Math.fround(alpha), inplace ? [Y.buffer] : [X.buffer, Y.buffer]);
  }

  scale(alpha: number, x: Tensor): void {
    this.begin();
    checkFinite('alpha', alpha);
    const X = this.tensor('x', x, 'f32', true);
    this.elementwise('scale', {}, X.size, Math.fround(alpha), [X.buffer]);
  }

  mul(x: Tensor, y: Tensor, out: Tensor): void {
    this.begin();
    const X = this.tensor('x', x, 'f32');
    const Y = this.tensor('y', y, 'f32');
    const O = this.tensor('out', out, 'f32', true);
    checkSameSize('x', X, 'y', Y);
    checkSameSize('x', X, 'out', O);
    const ox = O === X;
    const oy = O === Y;
    const defines = { ALIAS_NONE: !ox && !oy, ALIAS_X: ox && !oy, ALIAS_Y: oy && !ox };
    const buffers = ox && oy ? [O.buffer] : ox ? [O.buffer, Y.buffer] : oy ? [X.buffer, O.buffer] : [X.buffer, Y.buffer, O.buffer];
    this.elementwise('mul', defines, X.size, 0, buffers);
  }

  reduce(op: ReduceOp, x: Tensor, y: Tensor | null, out: Tensor, outOffset = 0): void {
    this.begin();
    checkReduceOp(op);
    const X = this.tensor('x', x, 'f32');
    let Y: WebGPUTensor | null = null;
    if (op === 'dot') {
      Y = this.tensor('y', y, 'f32');
      checkSameSize('x', X, 'y', Y);
    }
    const O = this.tensor('out', out, 'f32', true);
    checkRange('out', O, outOffset, 1);
    const n = X.size, lim = this.limits;
    // Fewer groups only where the caps demand it (that changes the summation order).
    const groups = Math.max(1, Math.min(REDUCE_GROUPS, Math.ceil(n / 1024), Math.floor(lim.bindElems / 256), lim.maxPerDim * lim.maxPerDim));
    const stride = groups * 256;
    const chunks = spans(n, Math.floor(lim.bindElems / stride) * stride, lim.align);
    const gx = Math.min(groups, lim.maxPerDim), gy = Math.ceil(groups / gx);
    const acc = chunks.length > 1 ? this.rec.temp(stride * 4, TENSOR_USAGE, 'reduce carry') : null;
    chunks.forEach(({ start, count }, c) => {
      const carryIn = c > 0, carryOut = c < chunks.length - 1;
      const p1 = this.rec.params('reduce', { n: count, groups });
      const d1 = { FINAL: false, OP_DOT: op === 'dot', OP_SUMSQ: op === 'sumsq', CARRY_IN: carryIn, CARRY_OUT: carryOut };
      const b1: GPUBindingResource[] = [p1, this.bind(X.buffer, start, count), carryOut ? { buffer: acc! } : { buffer: this.reduceScratch }];
      if (Y) b1.push(this.bind(Y.buffer, start, count));
      if (carryIn && !carryOut) b1.push({ buffer: acc! });
      this.rec.dispatch(this.pipelines.get('reduce', d1), b1, gx, gy);
    });
    if (acc) this.rec.release(acc);
    const p2 = this.rec.params('reduce', { n, groups });
    const d2 = { FINAL: true, OP_DOT: false, OP_SUMSQ: false, CARRY_IN: false, CARRY_OUT: false };
    this.rec.dispatch(this.pipelines.get('reduce', d2), [p2, { buffer: this.reduceScratch }], 1);
    this.rec.copy(this.reduceScratch, groups * 4, O.buffer, outOffset * 4, 4);
  }

  /** A buffer holding `t`'s range [offset, offset + len) safe to bind read-only beside `written`. */
  private readOnly(t: WebGPUTensor, offset: number, len: number, written: GPUBuffer[], temps: GPUBuffer[]): [GPUBuffer, number] {
    if (!written.includes(t.buffer)) return [t.buffer, offset];
    const tmp = this.rec.temp(Math.max(16, len * 4), TENSOR_USAGE, 'aliased input copy');
    this.rec.copy(t.buffer, offset * 4, tmp, 0, len * 4);
    temps.push(tmp);
    return [tmp, 0];
  }

  broadcast(x: Tensor, v: Tensor, out: Tensor, opts: BroadcastOptions): void {
    this.begin();
    const r = resolveBroadcast(this, x, v, out, opts);
    const X = this.tensor('x', x, 'f32'), V = this.tensor('v', v, 'f32'), O = this.tensor('out', out, 'f32');
    const n = r.batch * r.rows * r.cols, temps: GPUBuffer[] = [];
    const inplace = X.buffer === O.buffer;
    const [vb, vOffset] = this.readOnly(V, r.vOffset, r.vStride * (r.batch - 1) + r.cols, [O.buffer], temps);
    const [xb] = inplace ? [O.buffer] : this.readOnly(X, 0, n, [O.buffer], temps);
    const matrix = r.rows * r.cols, lim = this.limits;
    // A chunk spanning nb batch entries binds nb vectors of v: cap nb so that window fits too.
    let max = perDispatch(lim);
    if (r.batch > 1 && r.vStride > 0) {
      const nbMax = Math.floor((lim.bindElems - lim.align - 4 - r.cols) / r.vStride) + 1;
      if (nbMax < 2) throw new ArgumentError('opts.vStride', `at most ${Math.floor((lim.bindElems - lim.align - 4 - r.cols) / 2)} (two vectors within this device's storage binding limit)`, r.vStride);
      max = Math.min(max, (nbMax - 1) * matrix);
    } else if (r.cols + lim.align + 4 > lim.bindElems) {
      throw new ArgumentError('opts.cols', `at most ${lim.bindElems - lim.align - 4} (this device's storage binding limit)`, r.cols);
    }
    const pipeline = this.pipelines.get('broadcast', { INPLACE: inplace, OP_ADD: r.op === 'add' });
    for (const { start, count } of spans(n, max, lim.align)) {
      const b0 = Math.floor(start / matrix), b1 = Math.floor((start + count - 1) / matrix);
      const [wv, vo] = this.window(vb, vOffset + b0 * r.vStride, vOffset + b1 * r.vStride + r.cols);
      const params = this.rec.params('broadcast', { n: count, cols: r.cols, vOffset: vo, matrix, vStride: r.vStride, first: start, b0 });
      const [gx, gy] = grid1D(count, this.maxPerDim);
      const buffers = inplace ? [O.buffer] : [xb, O.buffer];
      this.rec.dispatch(pipeline, [params, wv, ...buffers.map((b) => this.bind(b, start, count))], gx, gy);
    }
    for (const t of temps) this.rec.release(t);
  }

  softmaxXent(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor, opts: RowsOptions): void {
    this.begin();
    const r = resolveSoftmaxXent(this, logits, targets, grad, loss, opts);
    const L = this.tensor('logits', logits, 'f32'), T = this.tensor('targets', targets, 'f32');
    const G = this.tensor('grad', grad, 'f32'), LO = this.tensor('loss', loss, 'f32');
    if (G.buffer === LO.buffer) throw new ArgumentError('loss', 'a tensor other than grad', 'the same tensor');
    const temps: GPUBuffer[] = [], written = [G.buffer, LO.buffer], n = r.rows * r.cols;
    const [lb] = this.readOnly(L, 0, n, written, temps);
    const [tb] = this.readOnly(T, 0, n, written, temps);
    const lim = this.limits;
    const rowsMax = Math.min(lim.maxPerDim * lim.maxPerDim * 64, Math.floor((lim.bindElems - lim.align - 4) / r.cols));
    if (rowsMax < 1) throw new ArgumentError('opts.cols', `at most ${lim.bindElems - lim.align - 4} (one row within this device's storage binding limit)`, r.cols);
    const pipeline = this.pipelines.get('softmax_xent');
    for (const { start, count } of spans(r.rows, rowsMax, 1)) {
      const e0 = start * r.cols, e1 = (start + count) * r.cols;
      const [wl, off] = this.window(lb, e0, e1);
      const [wt] = this.window(tb, e0, e1);
      const [wg] = this.window(G.buffer, e0, e1);
      const [wlo, lossOff] = this.window(LO.buffer, start, start + count);
      const params = this.rec.params('softmax_xent', { rows: count, cols: r.cols, off, lossOff });
      const groups = Math.ceil(count / 64);
      const gx = Math.min(groups, this.maxPerDim), gy = Math.ceil(groups / gx);
      this.rec.dispatch(pipeline, [params, wl, wt, wg, wlo], gx, gy);
    }
    for (const t of temps) this.rec.release(t);
  }

  gatherRows(src: Tensor, index: Tensor, dst: Tensor, opts: RowsOptions): void {
    this.begin();
    const r = resolveGatherRows(this, src, index, dst, opts);
    const S = this.tensor('src', src), I = this.tensor('index', index, 'u32'), D = this.tensor('dst', dst);
    const temps: GPUBuffer[] = [], n = r.rows * r.cols;
    const [sb] = this.readOnly(S, 0, S.size, [D.buffer], temps);
    const [ib] = this.readOnly(I, 0, r.rows, [D.buffer], temps);
    const lim = this.limits, cols = r.cols;
    // Source rows are bound in windows of whole rows; each chunk of dst passes over every window.
    const winRows = Math.floor((lim.bindElems - lim.align - 4) / cols);
    if (winRows < 1) throw new ArgumentError('opts.cols', `at most ${lim.bindElems - lim.align - 4} (one row within this device's storage binding limit)`, cols);
    const windows: [number, number][] = [];
    for (let lo = 0; lo < Math.max(r.srcRows, 1); lo += winRows) windows.push([lo, Math.min(lo + winRows, r.srcRows)]);
    const pipeline = this.pipelines.get('gather_rows');
    for (const { start, count } of spans(n, perDispatch(lim), lim.align)) {
      const row0 = Math.floor(start / cols), row1 = Math.floor((start + count - 1) / cols) + 1;
      const [wi, iOff] = this.window(ib, row0, row1);
      const [gx, gy] = grid1D(count, this.maxPerDim);
      windows.forEach(([sLo, sHi], w) => {
        const [ws, sOff] = this.window(sb, sLo * cols, Math.max(sHi, sLo + 1) * cols);
        const params = this.rec.params('gather_rows', {
          n: count, cols, srcRows: r.srcRows, first: start, iLo: row0 - iOff, sLo, sHi, sOff, zero: w === 0 ? 1 : 0,
        });
        this.rec.dispatch(pipeline, [params, ws, wi, this.bind(D.buffer, start, count)], gx, gy);
      });
    }
    for (const t of temps) this.rec.release(t);
  }

  mask(out: Tensor, opts: MaskOptions): void {
    this.begin();
    const O = this.tensor('out', out, 'f32');
    const r = resolveMask(this, O, opts);
    const total = r.units * r.samples;
    for (const { start, count } of spans(total, perDispatch(this.limits), this.limits.align)) {
      const params = this.rec.params('mask', {
        seed: r.seed, step: r.step, layer: r.layer, units: r.units, total: count,
        unitOffset: r.unitOffset, sampleOffset: r.sampleOffset, threshold: r.threshold, invKeepBits: f32Bits(r.invKeep), first: start,
      });
      const [x, y] = grid1D(count, this.maxPerDim);
      this.rec.dispatch(this.pipelines.get('mask'), [params, this.bind(O.buffer, start, count)], x, y);
    }
  }

  // ---- lifecycle ----

  async flush(): Promise<void> {
    this.alive();
    this.rec.submit();
    await this.unlessLost(this.device.queue.onSubmittedWorkDone());
    this.throwGpuErrors();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    this.lostReason ??= 'webgpu backend was destroyed';
    for (const t of this.live) {
      t.markDisposed();
      t.buffer.destroy();
    }
    this.live.clear();
    this.rec.destroy();
    this.reduceScratch.destroy();
    this.slabOnes.destroy();
    this.device.destroy();
  }
}

function describeAdapter(adapter: GPUAdapter): { description: string; info: Record<string, string> } {
  const raw = (adapter as { info?: GPUAdapterInfo }).info;
  const info: Record<string, string> = {};
  for (const k of ['vendor', 'architecture', 'device', 'description'] as const) {
    const v = raw?.[k];
    if (typeof v === 'string' && v) info[k] = v;
  }
  const parts = [info.vendor, info.architecture, info.description].filter((v, i, a) => v && a.indexOf(v) === i);
  return { description: `WebGPU: ${parts.join(' ') || 'unknown adapter'}`, info };
}

/** Opens a WebGPU device and returns the backend; throws BackendUnavailableError saying why not. */
export async function createWebGPUBackend(opts: WebGPUBackendOptions = {}): Promise<Backend> {
  if (opts.gpu === null) throw new BackendUnavailableError('WebGPU disabled: the caller passed gpu: null');
  const provider = opts.gpu ? { gpu: opts.gpu, source: 'caller-supplied GPU object' } : await getGPU();
  if (!provider.gpu) throw new BackendUnavailableError(provider.reason);
  const { gpu, source } = provider;
  const hint = runtimeName() === 'node' ? `: ${NODE_HINT}` : runtimeName() === 'deno' ? ': in Deno a Vulkan driver is needed (e.g. lavapipe: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json)' : '';
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter(opts.powerPreference ? { powerPreference: opts.powerPreference } : undefined);
  } catch (err) {
    throw new BackendUnavailableError(`no WebGPU adapter (${source}): requestAdapter failed: ${(err as Error)?.message ?? err}${hint}`);
  }
  if (!adapter) throw new BackendUnavailableError(`no WebGPU adapter (${source}): requestAdapter returned null${hint}`);
  const al = adapter.limits;
  let device: GPUDevice;
  try {
    device = await adapter.requestDevice({
      label: 'dropout-sme',
      requiredLimits: {
        maxStorageBufferBindingSize: al.maxStorageBufferBindingSize,
        maxBufferSize: al.maxBufferSize,
      },
    });
  } catch (err) {
    throw new BackendUnavailableError(`WebGPU requestDevice failed (${source}): ${(err as Error)?.message ?? err}`);
  }
  if (!device) throw new BackendUnavailableError(`WebGPU requestDevice returned no device (${source})`);
  const { description, info } = describeAdapter(adapter);
  const l = device.limits;
  const details: Record<string, string | number | boolean> = {
    source,
    ...Object.fromEntries(Object.entries(info).map(([k, v]) => [`adapter.${k}`, v])),
    isFallbackAdapter: !!(adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter || !!(adapter as { info?: { isFallbackAdapter?: boolean } }).info?.isFallbackAdapter,
    features: [...device.features].sort().join(', '),
    maxBufferSize: l.maxBufferSize,
    maxStorageBufferBindingSize: l.maxStorageBufferBindingSize,
    maxComputeWorkgroupsPerDimension: l.maxComputeWorkgroupsPerDimension,
    maxComputeInvocationsPerWorkgroup: l.maxComputeInvocationsPerWorkgroup,
    maxComputeWorkgroupStorageSize: l.maxComputeWorkgroupStorageSize,
    maxStorageBuffersPerShaderStage: l.maxStorageBuffersPerShaderStage,
  };
  if (opts.splitK === false) details.splitK = false;
  const backend = new WebGPUBackend(device, { name: 'webgpu', description, details }, opts.limits, opts.splitK ?? true);
  if (opts.limits) {
    details.plannedMaxComputeWorkgroupsPerDimension = backend.limits.maxPerDim;
    details.plannedMaxStorageBufferBindingSize = backend.limits.bindElems * 4;
    details.plannedMaxBufferSize = backend.limits.bufferElems * 4;
  }
  return backend;
}
