/**
 * The command line. For now one job: `demo` (the default) prints the chosen backend and runs a
 * GEMM verified against a float64 reference. Options are parsed with node:util's parseArgs.
 */
import { parseArgs } from 'node:util';
import { createEngine } from '../engine.js';
import { ArgumentError, DropoutSmeError } from '../errors.js';
import type { BackendRequest } from '../backend/select.js';

const HELP = `dropout-sme — dropout training, its SME and the structure of dropout noise

Usage: dropout-sme [demo] [options]

Commands:
  demo        print the chosen backend and run a verified GEMM (default)

Options:
  --backend <auto|webgpu|wasm>   backend to run on (default auto)
  --size <n>                     GEMM size n (n×n times n×n; default 512)
  --seed <n>                     seed of the random inputs (default 1)
  -h, --help                     this text
`;

async function demo(backend: BackendRequest, n: number, seed: number): Promise<void> {
  const engine = await createEngine({ backend });
  const k = engine.kernels;
  console.log(`backend: ${engine.backend} — ${engine.backendInfo.description}`);
  console.log(`why:     ${engine.backendInfo.reason}`);
  let s = seed >>> 0 || 1;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const a = Float32Array.from({ length: n * n }, rand), b = Float32Array.from({ length: n * n }, rand);
  const ta = k.fromArray(a), tb = k.fromArray(b), tc = k.create(n * n);
  k.gemm(ta, tb, tc, { m: n, n, k: n });
  await k.read(tc, 0, 1); // warm-up: pipelines, threads
  const reps = 5, t0 = performance.now();
  for (let r = 0; r < reps; r++) k.gemm(ta, tb, tc, { m: n, n, k: n });
  const c = (await k.read(tc)) as Float32Array;
  const seconds = (performance.now() - t0) / 1000 / reps;
  // Verify every entry of a sample of rows against float64, with the worst-case f32 bound γ_{n}·Σ|a||b|.
  const u = 2 ** -24, gamma = (n * u) / (1 - n * u);
  let worst = 0, violations = 0;
  for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 16))) {
    for (let j = 0; j < n; j++) {
      let exact = 0, mag = 0;
      for (let p = 0; p < n; p++) { const t = a[i * n + p]! * b[p * n + j]!; exact += t; mag += Math.abs(t); }
      const err = Math.abs(c[i * n + j]! - exact);
      worst = Math.max(worst, err / (gamma * mag));
      if (!(err <= gamma * mag)) violations++;
    }
  }
  console.log(`gemm:    ${n}×${n}×${n} in ${(seconds * 1e3).toFixed(2)} ms = ${((2 * n ** 3) / seconds / 1e9).toFixed(2)} GFLOP/s`);
  console.log(`check:   ${violations === 0 ? 'verified' : 'FAILED'} against float64; worst error ${(worst * 100).toFixed(3)}% of the rounding bound γ_n·Σ|a||b|`);
  engine.dispose();
  if (violations > 0) process.exitCode = 1;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      backend: { type: 'string', default: 'auto' },
      size: { type: 'string', default: '512' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) { process.stdout.write(HELP); return; }
  const command = positionals[0] ?? 'demo';
  if (command !== 'demo') throw new ArgumentError('command', 'demo', command);
  const size = Number(values.size), seed = Number(values.seed);
  if (!Number.isInteger(size) || size < 1 || size > 8192) throw new ArgumentError('--size', 'an integer in [1, 8192]', values.size);
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError('--seed', 'a non-negative integer', values.seed);
  await demo(values.backend as BackendRequest, size, seed);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known = err instanceof DropoutSmeError || (err instanceof Error && 'code' in err && String((err as { code: unknown }).code).startsWith('ERR_PARSE_ARGS'));
  console.error(`dropout-sme: ${known ? (err as Error).message : (err as Error)?.stack ?? err}`);
  process.exitCode = 2;
});
