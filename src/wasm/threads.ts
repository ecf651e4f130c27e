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
 * Control block layout (Int32 slots), then the arguments as Float64 from byte offset ARGS.
 * CLAIM holds the last job taken: the worker takes job `seq` by moving CLAIM from seq−1 to seq;
 * if it has not done so after CLAIM_TIMEOUT_MS (a dead or starved worker), the main thread takes
 * the job itself the same way and stops using the pool, so a call can never hang.
 */
const SEQ = 0, DONE = 1, FN = 2, NARGS = 3, STATUS = 4, CLAIM = 5;
const CLAIM_TIMEOUT_MS = 3000;
const ARGS = 64;
export const CONTROL_BYTES = 64 + 8 * 32;
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
    const f64 = new Float64Array(msg.memory.buffer, msg.control + 64, 32);
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
      if (Atomics.compareExchange(i32, 5, (seq - 1) | 0, seq) !== ((seq - 1) | 0)) continue; // the main thread took it
      const n = i32[3]!;
      args.length = n;
      for (let i = 0; i < n; i++) args[i] = f64[i]!;
      let status = 0;
      try {
        fns[id](...args);
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
  /** The posted job, for the main thread to run if the worker never takes it. */
  private job: { fn: number; args: number[] } = { fn: 0, args: [] };

  constructor(readonly worker: WorkerHandle, memory: WebAssembly.Memory, readonly control: number) {
    this.i32 = new Int32Array(memory.buffer, control, 16);
    this.f64 = new Float64Array(memory.buffer, control + ARGS, 32);
    this.seq = Atomics.load(this.i32, SEQ);
  }

  post(fn: number, args: ArrayLike<number>): void {
    for (let i = 0; i < args.length; i++) this.f64[i] = args[i]!;
    this.i32[FN] = fn;
    this.i32[NARGS] = args.length;
    this.seq = (this.seq + 1) | 0;
    Atomics.store(this.i32, SEQ, this.seq);
    Atomics.notify(this.i32, SEQ);
    this.busy = fn !== EXIT;
    this.job = { fn, args: Array.from(args) };
  }

  /**
   * Blocks until the posted job is done: 'ok', 'trapped', or 'unclaimed' when the worker did not
   * take it in time and the caller must run `job` itself (the worker will skip it).
   */
  join(): 'ok' | 'trapped' | 'unclaimed' {
    if (!this.busy) return 'ok';
    this.busy = false;
    let done = Atomics.load(this.i32, DONE);
    let since = 0;
    for (let spin = 0; done !== this.seq; spin++) {
      if (spin > 2000) {
        Atomics.wait(this.i32, DONE, done, 1);
        if (since === 0) since = Date.now();
        else if (Date.now() - since > CLAIM_TIMEOUT_MS && Atomics.load(this.i32, CLAIM) !== this.seq) {
          const prev = (this.seq - 1) | 0;
          if (Atomics.compareExchange(this.i32, CLAIM, prev, this.seq) === prev) return 'unclaimed';
        }
      }
      done = Atomics.load(this.i32, DONE);
    }
    return this.i32[STATUS] === 0 ? 'ok' : 'trapped';
  }

  get pending(): { fn: number; args: number[] } {
    return this.job;
  }

  stop(): void {
    if (this.busy) this.join();
    this.post(EXIT, []);
    this.busy = false;
    this.worker.terminate();
  }
}

/** Helper threads (not counting the caller's). */
export class ThreadPool {
  private stopped = false;
  /** False once a worker failed to take a job in time: callers should stop posting work. */
  healthy = true;

  private constructor(private readonly threads: Thread[], private readonly names: string[]) {}

  /** Number of helper threads. */
  get size(): number {
    return this.threads.length;
  }

  /**
   * Starts `helpers` workers on `module` + shared `memory`. `controls` are CONTROL_BYTES-byte
   * blocks (8-byte aligned) inside `memory`, one per worker. `names`: the exports jobs may call.
   * Rejects if a worker cannot start within `timeoutMs`.
   */
  static async start(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    controls: number[],
    names: string[],
    timeoutMs = 10000,
  ): Promise<ThreadPool> {
    const source = `(${workerProgram.toString()})();`;
    const started: Thread[] = [];
    try {
      for (const control of controls) {
        new Int32Array(memory.buffer, control, 16).fill(0);
        const worker = await spawn(source, { module, memory, control, names }, timeoutMs);
        started.push(new Thread(worker, memory, control));
      }
    } catch (err) {
      for (const t of started) t.stop();
      throw err;
    }
    return new ThreadPool(started, names);
  }

  /** Starts export `name` with `args` on helper `index` (returns at once). */
  post(index: number, name: string, args: ArrayLike<number>): void {
    const fn = this.names.indexOf(name);
    if (fn < 0) throw new Error(`thread pool: ${name} is not callable`);
    this.threads[index]!.post(fn, args);
  }

  /**
   * Waits for helper `index`; throws if its job trapped. If the worker never took the job, runs
   * it through `local` (the caller's instance of the same exports) and marks the pool unhealthy.
   */
  join(index: number, local: Record<string, (...args: number[]) => void>): void {
    const t = this.threads[index]!;
    const r = t.join();
    if (r === 'trapped') throw new Error('wasm: a kernel trapped in a worker thread');
    if (r === 'unclaimed') {
      this.healthy = false;
      const job = t.pending;
      local[this.names[job.fn]!]!(...job.args);
    }
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
