/**
 * Worker threads for the shared-memory WebAssembly builds. Each worker instantiates the same
 * WebAssembly.Module on the same shared WebAssembly.Memory and then loops on a control block in
 * that memory: the main thread writes a job (export index + arguments), bumps `seq` and notifies;
 * the worker runs it and stores `done = seq`. The JS API stays synchronous: the main thread
 * computes its own share meanwhile and then waits with Atomics.wait (allowed on Node's and Deno's
 * main thread and in workers; where it is not — a browser's main thread — no pool is made).
 *
 * Node and Deno: worker_threads (loaded by dynamic import, never at top level; Deno through its
 * Node compatibility), unref'd so the process can exit without destroy(). Elsewhere (browsers,
 * or if that import fails): a module Worker from a Blob URL, where SharedArrayBuffer exists (in
 * browsers: crossOriginIsolated) and the calling thread may block (a worker, not the page).
 */

/**
 * Control block of one worker (Int32 slots), then Float64 values from byte offset VALUES:
 * the export's arguments (NARGS), the indices of the arguments a chunk overrides (NSLOTS), and the
 * chunk table (NCHUNKS rows of NSLOTS values).
 *
 * A job is a list of chunks of one export call. The main thread and the workers all take chunks
 * from one shared counter (Atomics.add) until none is left, so a worker that wakes up late simply
 * takes fewer chunks and never delays the call. CLAIM holds the last job a worker accepted: the
 * worker accepts job `seq` by moving CLAIM from seq−1 to seq. When the main thread runs out of
 * chunks it does the same for a worker that has not accepted yet, which then skips that job; a
 * worker that did accept is finishing its last chunk, and the main thread waits for DONE = seq.
 */
const SEQ = 0, DONE = 1, FN = 2, NARGS = 3, STATUS = 4, CLAIM = 5, NSLOTS = 6, NCHUNKS = 7, COUNTER = 8;
const VALUES = 64;
/** Room for a gemm job of 64 threads: 20 arguments + 8 slots + 2 chunks × 64 threads × 8 values (1,052). */
const MAX_VALUES = 2048;
export const CONTROL_BYTES = VALUES + 8 * MAX_VALUES;
/** Bytes of the shared chunk counter block. */
export const COUNTER_BYTES = 64;
/** Export index that tells a worker to leave its loop. */
const EXIT = -1;

/**
 * The worker's whole program, stringified (it must not reference anything outside itself).
 * Spins briefly before blocking so back-to-back jobs start quickly.
 */
function workerProgram(): void {
  const g = globalThis as any;
  const nodePort = typeof g.require === 'function' ? g.require('node:worker_threads').parentPort : null;
  const post = (m: unknown) => (nodePort ? nodePort.postMessage(m) : g.postMessage(m));
  const start = (msg: any) => {
    let exports: any;
    try {
      exports = new WebAssembly.Instance(msg.module, { env: { memory: msg.memory } }).exports;
    } catch (err) {
      post({ error: String(err) });
      return;
    }
    const fns = (msg.names as string[]).map((n) => exports[n]);
    const i32 = new Int32Array(msg.memory.buffer, msg.control, 16);
    const f64 = new Float64Array(msg.memory.buffer, msg.control + 64, msg.values);
    // Read the sequence number before announcing readiness: the first job may be posted the
    // moment 'ready' arrives, and must not be mistaken for the starting state.
    let seen = Atomics.load(i32, 0);
    post({ ready: true });
    const args: number[] = [];
    for (;;) {
      let seq = Atomics.load(i32, 0);
      for (let spin = 0; seq === seen; spin++) {
        if (spin > 20000) {
          Atomics.wait(i32, 0, seen);
          spin = 0;
        }
        seq = Atomics.load(i32, 0);
      }
      seen = seq;
      const id = i32[2]!;
      if (id < 0) break;
      if (Atomics.compareExchange(i32, 5, (seq - 1) | 0, seq) !== ((seq - 1) | 0)) continue; // taken back
      const nargs = i32[3]!, nslots = i32[6]!, nchunks = i32[7]!;
      const counter = new Int32Array(msg.memory.buffer, i32[8]!, 1);
      args.length = nargs;
      for (let i = 0; i < nargs; i++) args[i] = f64[i]!;
      let status = 0;
      try {
        for (let c = Atomics.add(counter, 0, 1); c < nchunks; c = Atomics.add(counter, 0, 1)) {
          const row = nargs + nslots + c * nslots;
          for (let j = 0; j < nslots; j++) args[f64[nargs + j]!] = f64[row + j]!;
          fns[id](...args);
        }
      } catch {
        status = 1;
      }
      i32[4] = status;
      Atomics.store(i32, 1, seq);
      Atomics.notify(i32, 1);
    }
  };
  if (nodePort) nodePort.once('message', start);
  else g.onmessage = (e: MessageEvent) => start(e.data);
}

interface WorkerHandle {
  terminate(): void;
}

function isNode(): boolean {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  return !!g.process?.versions?.node && !g.Deno;
}

/** True where this thread may block in Atomics.wait and SharedArrayBuffer exists. */
export function canBlock(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Logical cores, or 1 when unknown. */
export async function hardwareThreads(): Promise<number> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (nav?.hardwareConcurrency) return nav.hardwareConcurrency;
  if (isNode()) {
    try {
      const os = await import('node:os');
      return os.availableParallelism?.() ?? os.cpus().length;
    } catch {
      return 1;
    }
  }
  return 1;
}

class Thread {
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  private seq = 0;
  private busy = false;

  constructor(readonly worker: WorkerHandle, memory: WebAssembly.Memory, readonly control: number) {
    this.i32 = new Int32Array(memory.buffer, control, 16);
    this.f64 = new Float64Array(memory.buffer, control + VALUES, MAX_VALUES);
    this.seq = Atomics.load(this.i32, SEQ);
  }

  post(fn: number, args: ArrayLike<number>, slots: ArrayLike<number>, table: ArrayLike<number>, chunks: number, counter: number): void {
    const f = this.f64;
    let o = 0;
    for (let i = 0; i < args.length; i++) f[o++] = args[i]!;
    for (let i = 0; i < slots.length; i++) f[o++] = slots[i]!;
    for (let i = 0; i < table.length; i++) f[o++] = table[i]!;
    this.i32[FN] = fn;
    this.i32[NARGS] = args.length;
    this.i32[NSLOTS] = slots.length;
    this.i32[NCHUNKS] = chunks;
    this.i32[COUNTER] = counter;
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.i32, SEQ, this.seq);
    Atomics.notify(this.i32, SEQ);
    this.busy = fn !== EXIT;
  }

  /** Called once no chunk is left: takes the job back if not yet accepted, else waits for it. */
  finish(): boolean {
    if (!this.busy) return true;
    this.busy = false;
    const prev = (this.seq - 1) | 0;
    if (Atomics.compareExchange(this.i32, CLAIM, prev, this.seq) === prev) return true;
    let done = Atomics.load(this.i32, DONE);
    for (let spin = 0; done !== this.seq; spin++) {
      if (spin > 2000) Atomics.wait(this.i32, DONE, done, 1);
      done = Atomics.load(this.i32, DONE);
    }
    return this.i32[STATUS] === 0;
  }

  stop(): void {
    this.finish();
    this.post(EXIT, [], [], [], 0, 0);
    this.busy = false;
    this.worker.terminate();
  }
}

/** Helper threads (not counting the caller's). */
export class ThreadPool {
  private stopped = false;
  private readonly counter: Int32Array;

  private constructor(
    private readonly threads: Thread[],
    private readonly names: string[],
    memory: WebAssembly.Memory,
    private readonly counterPtr: number,
  ) {
    this.counter = new Int32Array(memory.buffer, counterPtr, 1);
  }

  /** Number of helper threads. */
  get size(): number {
    return this.threads.length;
  }

  /**
   * Starts `controls.length` workers on `module` + shared `memory`. `controls` are
   * CONTROL_BYTES-byte blocks and `counter` a COUNTER_BYTES-byte block (8-byte aligned) inside
   * `memory`. `names`: the exports jobs may call. Rejects if a worker cannot start in `timeoutMs`.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    controls: number[],
    counter: number,
    names: string[],
    timeoutMs = 10000,
  ): Promise<ThreadPool> {
    const source = `(${workerProgram.toString()})();`;
    const started: Thread[] = [];
    try {
      for (const control of controls) {
        new Int32Array(memory.buffer, control, 16).fill(0);
        const worker = await spawn(source, { module, memory, control, names, values: MAX_VALUES }, timeoutMs);
        started.push(new Thread(worker, memory, control));
      }
    } catch (err) {
      for (const t of started) t.stop();
      throw err;
    }
    return new ThreadPool(started, names, memory, counter);
  }

  /**
   * Runs export `name` once per chunk, on this thread and the helpers together, and returns when
   * every chunk is done. Chunk c calls the export with `args`, except args[slots[j]] =
   * table[c·slots.length + j]; and on thread t (0 = this one) args[perThreadSlot] =
   * perThread[t] (e.g. its own scratch buffer; perThreadSlot −1: none). `local` is this thread's
   * instance of the exports.
   */
  run(
    name: string,
    args: number[],
    slots: number[],
    table: number[],
    perThreadSlot: number,
    perThread: number[],
    local: Record<string, (...a: number[]) => void>,
  ): void {
    const fn = this.names.indexOf(name);
    if (fn < 0 || this.stopped) throw new Error(`thread pool: cannot run ${name}`);
    const chunks = slots.length ? table.length / slots.length : 1;
    const helpers = Math.min(this.threads.length, chunks - 1);
    if (args.length + slots.length + table.length > MAX_VALUES) throw new Error('thread pool: job too large');
    Atomics.store(this.counter, 0, 0);
    for (let t = 0; t < helpers; t++) {
      const own = args.slice();
      if (perThreadSlot >= 0) own[perThreadSlot] = perThread[t + 1]!;
      this.threads[t]!.post(fn, own, slots, table, chunks, this.counterPtr);
    }
    const mine = args.slice();
    if (perThreadSlot >= 0) mine[perThreadSlot] = perThread[0]!;
    const f = local[name]!;
    let failed = false;
    try {
      for (let c = Atomics.add(this.counter, 0, 1); c < chunks; c = Atomics.add(this.counter, 0, 1)) {
        for (let j = 0; j < slots.length; j++) mine[slots[j]!] = table[c * slots.length + j]!;
        f(...mine);
      }
    } finally {
      // Nothing is left to take: make sure no chunk is still running before returning.
      Atomics.store(this.counter, 0, chunks);
      for (let t = 0; t < helpers; t++) if (!this.threads[t]!.finish()) failed = true;
    }
    if (failed) throw new Error('wasm: a kernel trapped in a worker thread');
  }

  destroy(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const t of this.threads) t.stop();
  }
}

/** Node's worker_threads (Node, and Deno's Node compatibility), or null where there is none. */
async function nodeWorkers(): Promise<typeof import('node:worker_threads') | null> {
  const g = globalThis as { process?: { versions?: { node?: string } }; Deno?: unknown };
  if (!g.process?.versions?.node && !g.Deno) return null;
  try {
    return await import('node:worker_threads');
  } catch {
    return null;
  }
}

async function spawn(source: string, init: object, timeoutMs: number): Promise<WorkerHandle> {
  // worker_threads first: unlike a web Worker, it can be unref'd, so a process that forgets to
  // destroy the backend still exits (Deno's web Worker has no unref).
  const nodeModule = await nodeWorkers();
  if (nodeModule) {
    const { Worker } = nodeModule;
    const worker = new Worker(source, { eval: true });
    worker.unref();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => fail(new Error('worker did not start in time')), timeoutMs);
      const fail = (err: unknown) => {
        clearTimeout(timer);
        void worker.terminate();
        reject(err);
      };
      worker.once('error', fail);
      worker.once('message', (m: { ready?: boolean; error?: string }) => {
        clearTimeout(timer);
        worker.off('error', fail);
        if (m.ready) resolve({ terminate: () => void worker.terminate() });
        else fail(new Error(m.error ?? 'worker failed'));
      });
      worker.postMessage(init);
    });
  }
  const W = (globalThis as { Worker?: typeof Worker }).Worker;
  if (!W || typeof URL === 'undefined' || typeof Blob === 'undefined') throw new Error('no Worker here');
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new W(url, { type: 'module' });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error('worker did not start in time')), timeoutMs);
    const fail = (err: unknown) => {
      clearTimeout(timer);
      worker.terminate();
      URL.revokeObjectURL(url);
      reject(err);
    };
    worker.onerror = (e) => fail(new Error(e.message || 'worker error'));
    worker.onmessage = (e: MessageEvent<{ ready?: boolean; error?: string }>) => {
      clearTimeout(timer);
      worker.onerror = null;
      worker.onmessage = null;
      URL.revokeObjectURL(url);
      if (e.data.ready) {
        // Deno: let the process exit while the worker sleeps.
        (worker as unknown as { unref?: () => void }).unref?.();
        resolve({ terminate: () => worker.terminate() });
      } else fail(new Error(e.data.error ?? 'worker failed'));
    };
    worker.postMessage(init);
  });
}
