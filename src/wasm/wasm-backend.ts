/**
 * The WebAssembly backend: kernels from assembly/ (one build chosen at runtime, see variants.ts)
 * running on tensors in one linear memory (allocator.ts), with large GEMMs shared with worker
 * threads (threads.ts) when a shared-memory build runs. Every call is synchronous; `read` and
 * `flush` return promises only to match the Backend interface.
 */
import type {
  Activation, Backend, BackendInfo, BroadcastOptions, DType, GemmOptions, MaskOptions, ReduceOp, RowsOptions, Tensor,
} from '../backend/backend.js';
import { ACTIVATIONS } from '../backend/backend.js';
import {
  checkActivation, checkFinite, derivativeOrder, checkInt, checkRange, checkReduceOp, checkSameSize, checkTensor,
  resolveBroadcast, resolveGatherRows, resolveGemm, resolveMask, resolveSoftmaxXent,
} from '../backend/validate.js';
import { ArgumentError, DisposedError } from '../errors.js';
import { Allocator } from './allocator.js';
import { splitGemm } from './gemm-split.js';
import { WasmTensor } from './tensor.js';
import { canBlock, CONTROL_BYTES, COUNTER_BYTES, hardwareThreads, ThreadPool } from './threads.js';
import { createMemory, instantiate, pickVariant, supportedSimd, type Kernels, type SimdRequest, type Variant } from './variants.js';

export interface WasmBackendOptions {
  /**
   * Threads including the caller's, 1 to MAX_THREADS: 'auto' (default) = the machine's cores
   * (navigator.hardwareConcurrency, os.availableParallelism()), at most MAX_THREADS, where shared
   * memory allows.
   */
  threads?: number | 'auto';
  /** Build: 'auto' (default) = relaxed SIMD, else SIMD, else scalar, by runtime validation. */
  simd?: SimdRequest;
}

/** gemm argument indices a chunk overrides: m, n, batch, a, b, c. */
const GEMM_CHUNK_SLOTS = [0, 1, 13, 3, 6, 9];
const REDUCE_CODES: Record<ReduceOp, number> = { sum: 0, dot: 1, sumsq: 2 };
/** Most threads a backend runs (the thread pool's job block holds a gemm split for 64). */
export const MAX_THREADS = 64;
/**
 * Elements from which an elementwise kernel is shared with the worker threads (smaller ones stay
 * on the calling thread: a hand-off costs microseconds). tanh/sigmoid cost a few nanoseconds an
 * element, a product or broadcast well under one.
 */
const THREAD_MIN_SMOOTH = 1 << 15;
const THREAD_MIN_ELEMENTS = 1 << 18;
const INITIAL_PAGES = 64;

export async function createWasmBackend(opts: WasmBackendOptions = {}): Promise<Backend> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'an object', opts);
  const simd = opts.simd ?? 'auto';
  if (!['auto', 'relaxed', 'simd', 'scalar'].includes(simd)) {
    throw new ArgumentError('options.simd', "'auto', 'relaxed', 'simd' or 'scalar'", simd);
  }
  const threadsOpt = opts.threads === undefined ? 'auto' : opts.threads;
  checkThreads('options.threads', threadsOpt);

  const notes: string[] = [];
  let wanted = threadsOpt === 'auto' ? Math.min(await hardwareThreads(), MAX_THREADS) : threadsOpt;
  if (wanted > 1 && !canBlock()) {
    notes.push('one thread: Atomics.wait or SharedArrayBuffer is not available on this thread');
    wanted = 1;
  }
  let variant = pickVariant(simd, wanted > 1);
  if (wanted > 1 && !variant.shared) {
    notes.push(`one thread: no shared-memory ${variant.simd} build validates here`);
    wanted = 1;
  }

  let module = await WebAssembly.compile(variant.bytes as BufferSource);
  let memory: WebAssembly.Memory;
  try {
    memory = createMemory(INITIAL_PAGES, variant.shared);
  } catch (err) {
    if (!variant.shared) throw err;
    notes.push(`one thread: shared memory could not be created (${String(err)})`);
    wanted = 1;
    variant = pickVariant(simd, false);
    module = await WebAssembly.compile(variant.bytes as BufferSource);
    memory = createMemory(INITIAL_PAGES, false);
  }
  const kernels = await instantiate(module, memory);
  const alloc = new Allocator(memory, kernels.heapBase());

  let pool: ThreadPool | null = null;
  if (variant.shared && wanted > 1) {
    const controls = Array.from({ length: wanted - 1 }, () => alloc.alloc(CONTROL_BYTES));
    const counter = alloc.alloc(COUNTER_BYTES);
    try {
      pool = await ThreadPool.start(module, memory, controls, counter, POOL_EXPORTS);
    } catch (err) {
      notes.push(`one thread: workers could not start (${err instanceof Error ? err.message : String(err)})`);
      for (const c of [...controls, counter]) alloc.release(c);
    }
  }
  return new WasmBackend(variant, kernels, alloc, pool, notes);
}

/** The thread count option: 'auto' or an integer from 1 to MAX_THREADS (ArgumentError otherwise). */
export function checkThreads(name: string, threads: unknown): number | 'auto' {
  if (threads === 'auto') return threads;
  if (typeof threads !== 'number' || !Number.isInteger(threads) || threads < 1 || threads > MAX_THREADS) {
    throw new ArgumentError(name, `'auto' or an integer from 1 to ${MAX_THREADS}`, threads);
  }
  return threads;
}

/** Exports the worker threads may run. */
const POOL_EXPORTS = ['gemm', 'activation', 'mul', 'broadcast'];

class WasmBackend implements Backend {
  readonly name = 'wasm' as const;
  readonly info: BackendInfo;
  private readonly live = new Set<WasmTensor>();
  private scratch: number[] = [];
  private destroyed = false;
  private readonly tileRows: number;
  private readonly tileCols: number;
  private readonly scratchBytes: number;
  private readonly threads: number;

  constructor(
    private readonly variant: Variant,
    private readonly k: Kernels,
    private readonly alloc: Allocator,
    private readonly pool: ThreadPool | null,
    notes: string[],
  ) {
    this.threads = 1 + (pool?.size ?? 0);
    this.tileRows = k.gemmTileRows();
    this.tileCols = k.gemmTileCols();
    this.scratchBytes = k.gemmScratchBytes();
    const simdName = variant.simd === 'relaxed' ? 'relaxed-SIMD' : variant.simd === 'simd' ? 'SIMD' : 'scalar';
    const support = supportedSimd();
    this.info = {
      name: 'wasm',
      description: `WebAssembly ${simdName}, ${this.threads} thread${this.threads > 1 ? 's' : ''}`,
      details: {
        build: variant.name,
        simd: variant.simd !== 'scalar',
        relaxedSimd: variant.simd === 'relaxed',
        relaxedSimdAvailable: support.relaxed,
        threads: this.threads,
        sharedMemory: variant.shared,
        ...(notes.length ? { note: notes.join('; ') } : {}),
      },
    };
  }

  // ---- tensors -------------------------------------------------------------------------------

  private own(name: string, t: unknown, dtype?: DType): WasmTensor {
    this.alive();
    const tensor = checkTensor(name, t, 'wasm', dtype);
    if (!(tensor instanceof WasmTensor) || tensor.owner !== this) {
      throw new DisposedError(`${name}: tensor belongs to another engine`);
    }
    return tensor;
  }

  private alive(): void {
    if (this.destroyed) throw new DisposedError('wasm backend: destroyed');
  }

  create(size: number, dtype: DType = 'f32'): Tensor {
    this.alive();
    checkInt('size', size, 1);
    if (dtype !== 'f32' && dtype !== 'u32') throw new ArgumentError('dtype', "'f32' or 'u32'", dtype);
    const ptr = this.alloc.alloc(size * 4);
    this.alloc.u32().fill(0, ptr >>> 2, (ptr >>> 2) + size);
    const t = new WasmTensor(size, dtype, ptr, this);
    this.live.add(t);
    return t;
  }

  fromArray(data: Float32Array | Uint32Array): Tensor {
    this.alive();
    const dtype = data instanceof Float32Array ? 'f32' : data instanceof Uint32Array ? 'u32' : null;
    if (!dtype) throw new ArgumentError('data', 'a Float32Array or Uint32Array', data);
    if (data.length < 1) throw new ArgumentError('data', 'at least 1 element', `${data.length}`);
    const t = this.create(data.length, dtype) as WasmTensor;
    this.view(dtype).set(data, t.ptr >>> 2);
    return t;
  }

  write(t: Tensor, data: Float32Array | Uint32Array, offset = 0): void {
    const wt = this.own('t', t);
    const want = wt.dtype === 'f32' ? Float32Array : Uint32Array;
    if (!(data instanceof want)) throw new ArgumentError('data', `a ${want.name} for a ${wt.dtype} tensor`, data);
    checkRange('t', wt, offset, data.length);
    this.view(wt.dtype).set(data, (wt.ptr >>> 2) + offset);
  }

  async read(t: Tensor, offset = 0, length?: number): Promise<Float32Array | Uint32Array> {
    const wt = this.own('t', t);
    const len = length ?? wt.size - offset;
    checkRange('t', wt, offset, len);
    const start = (wt.ptr >>> 2) + offset;
    return this.view(wt.dtype).slice(start, start + len);
  }

  copy(src: Tensor, dst: Tensor, srcOffset = 0, dstOffset = 0, length?: number): void {
    const s = this.own('src', src);
    const d = this.own('dst', dst);
    if (s.dtype !== d.dtype) throw new ArgumentError('dst', `a ${s.dtype} tensor like src`, `a ${d.dtype} tensor`);
    const len = length ?? s.size - srcOffset;
    checkRange('src', s, srcOffset, len);
    checkRange('dst', d, dstOffset, len);
    const u32 = this.alloc.u32();
    const from = (s.ptr >>> 2) + srcOffset;
    u32.copyWithin((d.ptr >>> 2) + dstOffset, from, from + len);
  }

  fill(t: Tensor, value: number): void {
    const wt = this.own('t', t);
    if (wt.dtype === 'u32') checkInt('value', value, 0, 0xffffffff);
    else if (typeof value !== 'number') throw new ArgumentError('value', 'a number', value);
    const start = wt.ptr >>> 2;
    this.view(wt.dtype).fill(value, start, start + wt.size);
  }

  dispose(t: Tensor): void {
    if (t instanceof WasmTensor && t.owner === this && t.disposed) return;
    const wt = this.own('t', t);
    wt.markDisposed();
    this.live.delete(wt);
    this.alloc.release(wt.ptr);
  }

  private view(dtype: DType): Float32Array | Uint32Array {
    return dtype === 'f32' ? this.alloc.f32() : this.alloc.u32();
  }

  // ---- kernels -------------------------------------------------------------------------------

  gemm(a: Tensor, b: Tensor, c: Tensor, opts: GemmOptions): void {
    this.alive();
    const r = resolveGemm('wasm', a, b, c, opts);
    const ta = this.own('a', a), tb = this.own('b', b), tc = this.own('c', c);
    const g = {
      m: r.m, n: r.n, k: r.k, batch: r.batch,
      a: ta.ptr + 4 * r.offsetA, b: tb.ptr + 4 * r.offsetB, c: tc.ptr + 4 * r.offsetC,
      lda: r.transA ? r.m : r.k, ldb: r.transB ? r.k : r.n, ldc: r.n,
      transA: r.transA, transB: r.transB,
      strideA: r.strideA, strideB: r.strideB, strideC: r.strideC,
    };
    const alpha = Math.fround(r.alpha), beta = Math.fround(r.beta);
    const parts = this.pool ? splitGemm(g, this.threads, this.tileRows, this.tileCols) : [{ m: g.m, n: g.n, batch: g.batch, a: g.a, b: g.b, c: g.c }];
    if (parts.length === 1) {
      const p = parts[0]!;
      const s = this.scratchFor(1)[0]!;
      this.k.gemm(p.m, p.n, g.k, p.a, g.lda, +g.transA, p.b, g.ldb, +g.transB, p.c, g.ldc, alpha, beta, p.batch, g.strideA, g.strideB, g.strideC, s);
      return;
    }
    // Argument slots a chunk overrides: m, n, batch, a, b, c; slot 17 is the thread's scratch.
    const args = [g.m, g.n, g.k, g.a, g.lda, +g.transA, g.b, g.ldb, +g.transB, g.c, g.ldc, alpha, beta, g.batch, g.strideA, g.strideB, g.strideC, 0];
    const table: number[] = [];
    for (const p of parts) table.push(p.m, p.n, p.batch, p.a, p.b, p.c);
    this.pool!.run('gemm', args, GEMM_CHUNK_SLOTS, table, 17, this.scratchFor(this.threads), this.k as unknown as Record<string, (...a: number[]) => void>);
  }

  /** Per-thread packing buffers, allocated on first use. */
  private scratchFor(count: number): number[] {
    while (this.scratch.length < count) this.scratch.push(this.alloc.alloc(this.scratchBytes));
    return this.scratch;
  }

  activation(x: Tensor, y: Tensor, kind: Activation, derivative: boolean | 0 | 1 | 2 = false): void {
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32');
    checkActivation(kind);
    const order = derivativeOrder(derivative);
    checkSameSize('x', tx, 'y', ty);
    const code = ACTIVATIONS.indexOf(kind);
    const smooth = kind === 'tanh' || kind === 'sigmoid';
    if (!this.pool || tx.size < (smooth ? THREAD_MIN_SMOOTH : THREAD_MIN_ELEMENTS)) {
      this.k.activation(tx.ptr, ty.ptr, tx.size, code, order);
      return;
    }
    // Elementwise: ranges of elements (multiples of 4, so every chunk keeps the SIMD loop).
    const table: number[] = [];
    for (const [lo, hi] of this.ranges(tx.size)) table.push(tx.ptr + 4 * lo, ty.ptr + 4 * lo, hi - lo);
    this.pool.run('activation', [tx.ptr, ty.ptr, tx.size, code, order], [0, 1, 2], table, -1, [], this.local());
  }

  /** Up to 2 ranges per thread covering [0, n), boundaries on multiples of 4. */
  private ranges(n: number): Array<[number, number]> {
    const parts = 2 * this.threads, quads = Math.ceil(n / 4), out: Array<[number, number]> = [];
    for (let p = 0, lo = 0; p < parts && lo < n; p++) {
      const hi = Math.min(n, Math.round((quads * (p + 1)) / parts) * 4);
      if (hi > lo) out.push([lo, hi]);
      lo = Math.max(lo, hi);
    }
    return out;
  }

  private local(): Record<string, (...a: number[]) => void> {
    return this.k as unknown as Record<string, (...a: number[]) => void>;
  }

  axpy(alpha: number, x: Tensor, y: Tensor): void {
    checkFinite('alpha', alpha);
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32');
    checkSameSize('x', tx, 'y', ty);
    this.k.axpy(alpha, tx.ptr, ty.ptr, tx.size);
  }

  scale(alpha: number, x: Tensor): void {
    checkFinite('alpha', alpha);
    const tx = this.own('x', x, 'f32');
    this.k.scale(alpha, tx.ptr, tx.size);
  }

  mul(x: Tensor, y: Tensor, out: Tensor): void {
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32'), to = this.own('out', out, 'f32');
    checkSameSize('x', tx, 'y', ty);
    checkSameSize('x', tx, 'out', to);
    if (!this.pool || tx.size < THREAD_MIN_ELEMENTS) {
      this.k.mul(tx.ptr, ty.ptr, to.ptr, tx.size);
      return;
    }
    const table: number[] = [];
    for (const [lo, hi] of this.ranges(tx.size)) table.push(tx.ptr + 4 * lo, ty.ptr + 4 * lo, to.ptr + 4 * lo, hi - lo);
    this.pool.run('mul', [tx.ptr, ty.ptr, to.ptr, tx.size], [0, 1, 2, 3], table, -1, [], this.local());
  }

  reduce(op: ReduceOp, x: Tensor, y: Tensor | null, out: Tensor, outOffset = 0): void {
    checkReduceOp(op);
    const tx = this.own('x', x, 'f32');
    let yPtr = 0;
    if (op === 'dot') {
      const ty = this.own('y', y, 'f32');
      checkSameSize('x', tx, 'y', ty);
      yPtr = ty.ptr;
    }
    const to = this.own('out', out, 'f32');
    checkRange('out', to, outOffset, 1);
    this.k.reduce(REDUCE_CODES[op], tx.ptr, yPtr, tx.size, to.ptr + 4 * outOffset);
  }

  mask(out: Tensor, opts: MaskOptions): void {
    this.alive();
    const r = resolveMask('wasm', out, opts);
    const to = this.own('out', out, 'f32');
    this.k.mask(to.ptr, r.seed, r.step, r.layer, r.units, r.samples, r.unitOffset, r.sampleOffset, r.threshold, r.invKeep);
  }

  broadcast(x: Tensor, v: Tensor, out: Tensor, opts: BroadcastOptions): void {
    this.alive();
    const r = resolveBroadcast('wasm', x, v, out, opts);
    const tx = this.own('x', x), tv = this.own('v', v), to = this.own('out', out);
    const vp = tv.ptr + 4 * r.vOffset, op = r.op === 'add' ? 0 : 1;
    if (!this.pool || r.rows * r.cols * r.batch < THREAD_MIN_ELEMENTS) {
      this.k.broadcast(tx.ptr, vp, to.ptr, r.rows, r.cols, op, r.batch, r.vStride);
      return;
    }
    // Chunks of whole batch entries where every thread gets one, else row ranges of each entry
    // (fewer than 3 chunks a thread either way, so the job fits the pool's block).
    const table: number[] = [], entry = 4 * r.rows * r.cols, parts = 2 * this.threads;
    if (r.batch >= this.threads) {
      const chunks = Math.min(parts, r.batch);
      for (let p = 0, lo = 0; p < chunks; p++) {
        const hi = Math.round((r.batch * (p + 1)) / chunks);
        if (hi > lo) table.push(tx.ptr + lo * entry, vp + 4 * lo * r.vStride, to.ptr + lo * entry, r.rows, hi - lo);
        lo = hi;
      }
    } else {
      const per = Math.ceil(parts / r.batch);
      for (let b = 0; b < r.batch; b++) {
        for (let p = 0, lo = 0; p < per; p++) {
          const hi = Math.round((r.rows * (p + 1)) / per), off = b * entry + 4 * lo * r.cols;
          if (hi > lo) table.push(tx.ptr + off, vp + 4 * b * r.vStride, to.ptr + off, hi - lo, 1);
          lo = hi;
        }
      }
    }
    // Slots: x, v, out, rows, batch.
    this.pool.run('broadcast', [tx.ptr, vp, to.ptr, r.rows, r.cols, op, r.batch, r.vStride], [0, 1, 2, 3, 6], table, -1, [], this.local());
  }

  softmaxXent(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor, opts: RowsOptions): void {
    this.alive();
    const r = resolveSoftmaxXent('wasm', logits, targets, grad, loss, opts);
    const [tl, tt, tg, tlo] = [this.own('logits', logits), this.own('targets', targets), this.own('grad', grad), this.own('loss', loss)];
    this.k.softmax_xent(tl.ptr, tt.ptr, tg.ptr, tlo.ptr, r.rows, r.cols);
  }

  gatherRows(src: Tensor, index: Tensor, dst: Tensor, opts: RowsOptions): void {
    this.alive();
    const r = resolveGatherRows('wasm', src, index, dst, opts);
    const ts = this.own('src', src), ti = this.own('index', index), td = this.own('dst', dst);
    this.k.gather_rows(ts.ptr, ti.ptr, td.ptr, r.rows, r.cols, r.srcRows);
  }

  async flush(): Promise<void> {
    this.alive();
  }

  liveTensors(): number {
    return this.live.size;
  }

  memoryBytes(): number {
    return this.alloc.memory.buffer.byteLength;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    for (const t of this.live) t.markDisposed();
    this.live.clear();
    this.pool?.destroy();
  }
}
