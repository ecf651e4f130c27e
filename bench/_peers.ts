/**
 * The native peers of bench/peers.bench.ts: bench/peers/numpy_peer.py and torch_peer.py, each a
 * long-lived Python process that answers timing requests over a pipe (protocol in
 * bench/peers/_common.py), so their samples interleave with dropout-sme's in the same run. Not a
 * bench entry ('_' prefix).
 *
 * Interpreter: the first of $DROPOUT_SME_PYTHON, /usr/bin/python3 (Debian's, where python3-numpy
 * and python3-torch install), python3, python that imports the peer's module; a peer with none is
 * reported as not found (with what was tried) and the bench goes on without it.
 *
 * Environment of the peer process alone: OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE removed (some
 * machines set them to work around old OpenBLAS builds; they slow a current one), the BLAS and
 * OpenMP thread counts set to the bench's thread count, and OPENBLAS_VERBOSE=2, so OpenBLAS names
 * the kernel it picked ("Core: Zen") on stderr; a peer whose BLAS prints no such line runs without
 * OpenBLAS (e.g. Debian's reference BLAS, 25× slower), which the bench reports, since a ratio
 * against it says nothing.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PeerName = 'numpy' | 'pytorch';

const SCRIPTS: Record<PeerName, { file: string; module: string }> = {
  numpy: { file: 'numpy_peer.py', module: 'numpy' },
  pytorch: { file: 'torch_peer.py', module: 'torch' },
};

export interface PeerReady {
  peer: PeerName;
  version: string;
  threads: number;
  checks: Record<string, { loss?: number; values?: number[] }>;
  tasks: string[];
  skipped: Record<string, string>;
  /** PyTorch's device ('cpu', or 'cuda: <name>'). */
  device?: string;
}

export interface Peer {
  name: PeerName;
  ready: PeerReady;
  /** Interpreter used, and what OpenBLAS said of its kernel (null: no OpenBLAS line). */
  python: string;
  blasCore: string | null;
  /** Environment variables removed for the peer (name=value), for the report. */
  unset: string[];
  has(task: string): boolean;
  /** Runs `task` `reps` times; resolves to each call's milliseconds, as the peer timed them. */
  run(task: string, reps: number): Promise<number[]>;
  close(): void;
}

/** Directory of the peer scripts (the bundle lives in build/bench/). */
function scriptsDir(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'peers');
}

function interpreters(): string[] {
  const list = [process.env.DROPOUT_SME_PYTHON, '/usr/bin/python3', 'python3', 'python'].filter((p): p is string => !!p);
  return [...new Set(list)];
}

/** The first interpreter that imports `module`, or why none did. */
function findPython(module: string): { python: string } | { error: string } {
  const tried: string[] = [];
  for (const py of interpreters()) {
    const r = spawnSync(py, ['-c', `import ${module}`], { encoding: 'utf8', timeout: 60_000 });
    if (r.status === 0) return { python: py };
    const why = r.error ? r.error.message : (r.stderr.trim().split('\n').pop() ?? `exit ${r.status}`);
    tried.push(`${py}: ${why}`);
  }
  return { error: `no interpreter imports ${module} (tried ${tried.join('; ')})` };
}

/**
 * Starts one peer on the data in `dataDir`; resolves when it is ready (its checks done). `device`:
 * where PyTorch computes ('cuda' fails, saying why, where torch has no CUDA device); numpy: 'cpu'.
 */
export async function startPeer(name: PeerName, dataDir: string, threads: number, device: 'cpu' | 'cuda' = 'cpu'): Promise<Peer | { error: string }> {
  const { file, module } = SCRIPTS[name];
  const found = findPython(module);
  if ('error' in found) return found;
  const env: Record<string, string | undefined> = { ...process.env };
  const unset: string[] = [];
  for (const v of ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE']) {
    if (env[v] !== undefined) unset.push(`${v}=${env[v]}`);
    delete env[v];
  }
  for (const v of ['OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS']) env[v] = String(threads);
  env.OPENBLAS_VERBOSE = '2';
  env.PYTHONUNBUFFERED = '1';
  const args = [join(scriptsDir(), file), dataDir, String(threads), ...(name === 'pytorch' ? [device] : [])];
  const child: ChildProcessWithoutNullStreams = spawn(found.python, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string | null) => void> = [];
  const queued: string[] = [];
  let ended = false;
  lines.on('line', (l) => (waiting.length ? waiting.shift()!(l) : queued.push(l)));
  const onEnd = (): void => {
    ended = true;
    while (waiting.length) waiting.shift()!(null);
  };
  lines.on('close', onEnd);
  child.on('error', onEnd);
  const nextLine = (): Promise<string | null> => (queued.length ? Promise.resolve(queued.shift()!) : ended ? Promise.resolve(null) : new Promise((r) => waiting.push(r)));
  const failure = (what: string): { error: string } => ({ error: `${what}${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' | ')}` : ''}` });

  const first = await nextLine();
  if (first === null) return failure(`${found.python} ${file} exited before it was ready`);
  let ready: PeerReady;
  try {
    ready = JSON.parse(first) as PeerReady;
  } catch {
    child.kill();
    return failure(`${file} printed ${first.slice(0, 200)}`);
  }
  const core = /Core: (\S+)/.exec(stderr);
  return {
    name, ready, python: found.python, blasCore: core ? core[1]! : null, unset,
    has: (task) => ready.tasks.includes(task),
    async run(task, reps) {
      if (ended) throw new Error(`${name} peer has exited${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      child.stdin.write(`${JSON.stringify({ task, reps })}\n`);
      const line = await nextLine();
      if (line === null) throw new Error(`${name} peer exited during ${task}${stderr ? `: ${stderr.trim().split('\n').pop()}` : ''}`);
      const reply = JSON.parse(line) as { ms?: number[]; error?: string };
      if (!reply.ms) throw new Error(`${name} peer, ${task}: ${reply.error ?? line}`);
      return reply.ms;
    },
    close() {
      child.stdin.end();
      child.kill();
    },
  };
}
