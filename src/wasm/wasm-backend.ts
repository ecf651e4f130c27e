/**
 * The WebAssembly backend: kernels from assembly/ (one build chosen at runtime, see variants.ts)
 * running on tensors in one linear memory (allocator.ts), with large GEMMs shared with worker
 * threads (threads.ts) when a shared-memory build runs. Every call is synchronous; `read` and
 * `flush` return promises only to match the Backend interface.
 */
import type {
  Activation, Backend, BackendInfo, BroadcastOptions, DType, FromArrayOptions, GemmOptions, MaskOptions, ReduceOp, RowsOptions, Tensor,
} from '../backend/backend.js';
import { ACTIVATION_CODES, BROADCAST_CODES, REDUCE_CODES } from '../backend/kernel-declarations.js';
import {
  checkActivation, checkCreate, checkFromArray, checkFromArrayOptions, checkRange, checkReduceOp, checkSameSize, checkTensor, checkWriteData, resolveCopy, derivativeOrder,
  destroyedError, isDisposedOf, resolveBroadcast, resolveGatherRows, resolveGemm, resolveMask, resolveSoftmaxXent,
} from '../backend/tensor-checks.js';
import { checkFinite, checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { Allocator } from './allocator.js';
import { GemmPacks, ROLE_A, ROLE_B, type Packed } from './gemm-packs.js';
import { splitGemm, type GemmPart } from './gemm-split.js';
import { WasmTensor } from './tensor.js';
import { argSlots, callExport, wasmArgs } from './wasm-args.js';
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

/** The gemm arguments a thread-pool chunk overrides, and the slot of each thread's scratch. */
const GEMM_CHUNK = ['m', 'n', 'batch', 'a', 'b', 'c', 'packA', 'packB'] as const;
const GEMM_CHUNK_SLOTS = argSlots('gemm', GEMM_CHUNK);
const GEMM_SCRATCH_SLOT = argSlots('gemm', ['scratch'])[0]!;
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
  private readonly packs: GemmPacks;

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
    this.packs = new GemmPacks(k, alloc, [this.tileRows, this.tileCols]);
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

  /** `t` checked as a live tensor of this backend (the shared checks: only ours have this owner). */
  private own(name: string, t: unknown, dtype?: DType, written = false): WasmTensor {
    this.alive();
    return checkTensor(name, t, this, dtype, written) as WasmTensor;
  }

  private alive(): void {
    if (this.destroyed) throw destroyedError(this);
  }

  create(size: number, dtype: DType = 'f32'): Tensor {
    this.alive();
    checkCreate(size, dtype);
    const ptr = this.alloc.alloc(size * 4);
    this.alloc.u32().fill(0, ptr >>> 2, (ptr >>> 2) + size);
    const t = new WasmTensor(size, dtype, ptr, this);
    this.live.add(t);
    return t;
  }

  fromArray(data: Float32Array | Uint32Array, options?: FromArrayOptions): Tensor {
    this.alive();
    const dtype = checkFromArray(data);
    const readOnly = checkFromArrayOptions(options);
    const t = this.create(data.length, dtype) as WasmTensor;
    this.view(dtype).set(data, t.ptr >>> 2);
    t.readOnly = readOnly;
    return t;
  }

  write(t: Tensor, data: Float32Array | Uint32Array, offset = 0): void {
    const wt = this.own('t', t, undefined, true);
    checkWriteData(wt, data);
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
    this.alive();
    const r = resolveCopy(this, src, dst, srcOffset, dstOffset, length);
    const s = r.s as WasmTensor, d = r.d as WasmTensor, len = r.len;
    const u32 = this.alloc.u32();
    const from = (s.ptr >>> 2) + srcOffset;
    u32.copyWithin((d.ptr >>> 2) + dstOffset, from, from + len);
  }

  fill(t: Tensor, value: number): void {
    const wt = this.own('t', t, undefined, true);
    if (wt.dtype === 'u32') checkInt('value', value, 0, 0xffffffff);
    else if (typeof value !== 'number') throw new ArgumentError('value', 'a number', value);
    const start = wt.ptr >>> 2;
    this.view(wt.dtype).fill(value, start, start + wt.size);
  }

  dispose(t: Tensor): void {
    if (isDisposedOf(t, this)) return;
    const wt = this.own('t', t);
    wt.markDisposed();
    this.live.delete(wt);
    this.packs.release(wt);
    this.alloc.release(wt.ptr);
  }

  private view(dtype: DType): Float32Array | Uint32Array {
    return dtype === 'f32' ? this.alloc.f32() : this.alloc.u32();
  }

  // ---- kernels -------------------------------------------------------------------------------

  gemm(a: Tensor, b: Tensor, c: Tensor, opts: GemmOptions): void {
    this.alive();
    const r = resolveGemm(this, a, b, c, opts);
    const ta = this.own('a', a), tb = this.own('b', b), tc = this.own('c', c);
    const g = {
      m: r.m, n: r.n, k: r.k, batch: r.batch,
      a: ta.ptr + 4 * r.offsetA, b: tb.ptr + 4 * r.offsetB, c: tc.ptr + 4 * r.offsetC,
      lda: r.transA ? r.m : r.k, ldb: r.transB ? r.k : r.n, ldc: r.n,
      transA: r.transA, transB: r.transB,
      strideA: r.strideA, strideB: r.strideB, strideC: r.strideC,
    };
    const alpha = Math.fround(r.alpha), beta = Math.fround(r.beta);
    // A read-only operand shared by every entry is read from its packed panels (gemm-packs.ts);
    // not for a vector (m or n = 1: the gemm's unpacked matrix-vector paths).
    const vector = g.m === 1 || g.n === 1;
    const pA = ta.readOnly && !vector && (g.batch === 1 || g.strideA === 0)
      ? this.packs.get(ta, { role: ROLE_A, ptr: g.a, ld: g.lda, trans: g.transA, rows: g.m, k: g.k }) : null;
    const pB = tb.readOnly && !vector && (g.batch === 1 || g.strideB === 0)
      ? this.packs.get(tb, { role: ROLE_B, ptr: g.b, ld: g.ldb, trans: g.transB, rows: g.n, k: g.k }) : null;
    const panel = (p: Packed | null, first: number) => (p ? p.ptr + (first / p.width) * p.panelBytes : 0);
    const parts = this.pool ? splitGemm(g, this.threads, this.tileRows, this.tileCols) : [{ m: g.m, n: g.n, batch: g.batch, a: g.a, b: g.b, c: g.c, row0: 0, col0: 0 }];
    // Object literals, never spreads: a spread object is slow to read (see wasm-args.ts).
    const whole = (p: GemmPart, scratch: number) => ({
      m: p.m, n: p.n, k: g.k, a: p.a, lda: g.lda, transA: +g.transA, b: p.b, ldb: g.ldb, transB: +g.transB, c: p.c, ldc: g.ldc,
      alpha, beta, batch: p.batch, strideA: g.strideA, strideB: g.strideB, strideC: g.strideC, scratch,
      packA: panel(pA, p.row0), packB: panel(pB, p.col0),
    });
    if (parts.length === 1) {
      callExport('gemm', this.k.gemm, whole(parts[0]!, this.scratchFor(1)[0]!));
      return;
    }
    const table: number[] = [];
    for (const p of parts) {
      const args = whole(p, 0);
      for (const name of GEMM_CHUNK) table.push(args[name]);
    }
    // The arguments no chunk overrides are every part's alike.
    this.pool!.run('gemm', wasmArgs('gemm', whole(parts[0]!, 0)), GEMM_CHUNK_SLOTS, table, GEMM_SCRATCH_SLOT, this.scratchFor(this.threads), this.k);
  }

  /** Per-thread packing buffers, allocated on first use. */
  private scratchFor(count: number): number[] {
    while (this.scratch.length < count) this.scratch.push(this.alloc.alloc(this.scratchBytes));
    return this.scratch;
  }

  activation(x: Tensor, y: Tensor, kind: Activation, derivative: boolean | 0 | 1 | 2 = false): void {
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32', true);
    checkActivation(kind);
    const order = derivativeOrder(derivative);
    checkSameSize('x', tx, 'y', ty);
    const args = { x: tx.ptr, y: ty.ptr, n: tx.size, kind: ACTIVATION_CODES[kind].code, derivative: order };
    const smooth = kind === 'tanh' || kind === 'sigmoid';
    if (!this.pool || tx.size < (smooth ? THREAD_MIN_SMOOTH : THREAD_MIN_ELEMENTS)) {
      callExport('activation', this.k.activation, args);
      return;
    }
    // Elementwise: ranges of elements (multiples of 4, so every chunk keeps the SIMD loop).
    const table: number[] = [];
    for (const [lo, hi] of this.ranges(tx.size)) table.push(tx.ptr + 4 * lo, ty.ptr + 4 * lo, hi - lo);
    this.pool.run('activation', wasmArgs('activation', args), argSlots('activation', ['x', 'y', 'n']), table, -1, [], this.k);
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

  axpy(alpha: number, x: Tensor, y: Tensor): void {
    checkFinite('alpha', alpha);
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32', true);
    checkSameSize('x', tx, 'y', ty);
    callExport('axpy', this.k.axpy, { alpha, x: tx.ptr, y: ty.ptr, n: tx.size });
  }

  scale(alpha: number, x: Tensor): void {
    checkFinite('alpha', alpha);
    const tx = this.own('x', x, 'f32', true);
    callExport('scale', this.k.scale, { alpha, x: tx.ptr, n: tx.size });
  }

  mul(x: Tensor, y: Tensor, out: Tensor): void {
    const tx = this.own('x', x, 'f32'), ty = this.own('y', y, 'f32'), to = this.own('out', out, 'f32', true);
    checkSameSize('x', tx, 'y', ty);
    checkSameSize('x', tx, 'out', to);
    const args = { x: tx.ptr, y: ty.ptr, out: to.ptr, n: tx.size };
    if (!this.pool || tx.size < THREAD_MIN_ELEMENTS) {
      callExport('mul', this.k.mul, args);
      return;
    }
    const table: number[] = [];
    for (const [lo, hi] of this.ranges(tx.size)) table.push(tx.ptr + 4 * lo, ty.ptr + 4 * lo, to.ptr + 4 * lo, hi - lo);
    this.pool.run('mul', wasmArgs('mul', args), argSlots('mul', ['x', 'y', 'out', 'n']), table, -1, [], this.k);
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
    const to = this.own('out', out, 'f32', true);
    checkRange('out', to, outOffset, 1);
    callExport('reduce', this.k.reduce, { op: REDUCE_CODES[op], x: tx.ptr, y: yPtr, n: tx.size, out: to.ptr + 4 * outOffset });
  }

  mask(out: Tensor, opts: MaskOptions): void {
    this.alive();
    const r = resolveMask(this, out, opts);
    const to = this.own('out', out, 'f32');
    callExport('mask', this.k.mask, {
      out: to.ptr, seed: r.seed, step: r.step, layer: r.layer, units: r.units, samples: r.samples,
      unitOffset: r.unitOffset, sampleOffset: r.sampleOffset, threshold: r.threshold, invKeep: r.invKeep,
    });
  }

  broadcast(x: Tensor, v: Tensor, out: Tensor, opts: BroadcastOptions): void {
    this.alive();
    const r = resolveBroadcast(this, x, v, out, opts);
    const tx = this.own('x', x), tv = this.own('v', v), to = this.own('out', out);
    const vp = tv.ptr + 4 * r.vOffset;
    const args = { x: tx.ptr, v: vp, out: to.ptr, rows: r.rows, cols: r.cols, op: BROADCAST_CODES[r.op], batch: r.batch, vStride: r.vStride };
    if (!this.pool || r.rows * r.cols * r.batch < THREAD_MIN_ELEMENTS) {
      callExport('broadcast', this.k.broadcast, args);
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
    this.pool.run('broadcast', wasmArgs('broadcast', args), argSlots('broadcast', ['x', 'v', 'out', 'rows', 'batch']), table, -1, [], this.k);
  }

  softmaxXent(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor, opts: RowsOptions): void {
    this.alive();
    const r = resolveSoftmaxXent(this, logits, targets, grad, loss, opts);
    const [tl, tt, tg, tlo] = [this.own('logits', logits), this.own('targets', targets), this.own('grad', grad), this.own('loss', loss)];
    callExport('softmax_xent', this.k.softmax_xent, { logits: tl.ptr, targets: tt.ptr, grad: tg.ptr, loss: tlo.ptr, rows: r.rows, cols: r.cols });
  }

  gatherRows(src: Tensor, index: Tensor, dst: Tensor, opts: RowsOptions): void {
    this.alive();
    const r = resolveGatherRows(this, src, index, dst, opts);
    const ts = this.own('src', src), ti = this.own('index', index), td = this.own('dst', dst);
    callExport('gather_rows', this.k.gather_rows, { src: ts.ptr, index: ti.ptr, dst: td.ptr, rows: r.rows, cols: r.cols, srcRows: r.srcRows });
  }

  async flush(): Promise<void> {
    this.alive();
  }

  /** Linear memory is not a device that can be lost: the listener is never called. */
  onLost(_listener: (reason: string) => void): void {}

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
