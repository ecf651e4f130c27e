/** Option parsing shared by the subcommands (node:util parseArgs), with checks in plain words. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ArgumentError } from '../errors.js';
import type { BackendRequest } from '../backend/engine-options.js';
import type { Shard } from '../experiments/runner.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** --backend, --threads, --seed, --out, --force, --data, --labels, --classes, --help: every subcommand has them. */
export const COMMON: OptionSpec = {
  backend: { type: 'string', default: 'auto' },
  threads: { type: 'string', default: 'auto' },
  seed: { type: 'string', default: '1' },
  out: { type: 'string' },
  force: { type: 'boolean', default: false },
  data: { type: 'string' },
  labels: { type: 'string' },
  classes: { type: 'string' },
  help: { type: 'boolean', short: 'h', default: false },
};

export const COMMON_HELP = `  --backend <auto|webgpu|wasm>  where to compute (default auto: WebGPU if present, else WASM)
  --threads <auto|n>            WASM threads, 1 to 64 (default auto: the machine's cores)
  --seed <n>                    seed of every random choice (default 1)
  --out <dir>                   output folder: new, empty, or one a dropout-sme run wrote
                                (a rerun replaces that run's files; a second run into it at
                                the same time is refused)
  --force                       write into a non-empty folder of yours (nothing is deleted)
  --data <file> --labels <file> your own data: an IDX images/labels pair or .npy inputs [n, …]
                                with .npy labels [n] or targets [n, c]; each may be gzipped
  --classes <C>                 classes of integer labels (default: the largest label + 1,
                                every class present)
  -h, --help                    this text
`;

export function parse(argv: string[], options: OptionSpec): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const r = parseArgs({ args: argv, options: { ...COMMON, ...options }, allowPositionals: true, strict: true });
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
}

export function intOption(name: string, v: unknown, min: number, max = 2 ** 31 - 1): number {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n) || n < min || n > max) throw new ArgumentError(`--${name}`, `an integer in [${min}, ${max}]`, v);
  return n;
}

export function numberOption(name: string, v: unknown, check: (x: number) => boolean, expect: string): number {
  const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n) || !check(n)) throw new ArgumentError(`--${name}`, expect, v);
  return n;
}

/** createEngine's options from --backend and --threads. */
export function engineOptions(values: Record<string, unknown>): { backend: BackendRequest; threads: number | 'auto' } {
  const t = values.threads ?? 'auto';
  return { backend: backendOption(values.backend), threads: t === 'auto' ? 'auto' : intOption('threads', t, 1, 64) };
}

export function backendOption(v: unknown): BackendRequest {
  if (v !== 'auto' && v !== 'webgpu' && v !== 'wasm') throw new ArgumentError('--backend', "'auto', 'webgpu' or 'wasm'", v);
  return v;
}

/** --shard i/N, 1-based on the command line (Slurm array and Kubernetes indices convert easily). */
export function shardOption(v: unknown): Shard | undefined {
  if (v === undefined) return undefined;
  const m = typeof v === 'string' ? /^(\d+)\/(\d+)$/.exec(v.trim()) : null;
  const i = m ? Number(m[1]) : NaN, n = m ? Number(m[2]) : NaN;
  if (!m || !(n >= 1 && n <= 100000) || !(i >= 1 && i <= n)) throw new ArgumentError('--shard', 'i/N with 1 ≤ i ≤ N (e.g. 2/8)', v);
  return { index: i - 1, count: n };
}

/** --classes, when given (it declares the classes of --labels, so it needs --data). */
export function classesOption(v: unknown, data: unknown): number | undefined {
  if (v === undefined) return undefined;
  if (data === undefined) throw new ArgumentError('--classes', 'your own --data and --labels to declare the classes of', v);
  return intOption('classes', v, 1, 65536);
}
