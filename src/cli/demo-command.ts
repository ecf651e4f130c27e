/** demo: prints the chosen backend and runs a GEMM verified against a float64 reference. */
import { createEngine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { engineOptions, COMMON_HELP, parse } from './options.js';

export const DEMO_HELP = `Usage: dropout-sme demo [--size <n>] [options]

Prints the backend chosen (and why) and times an n×n GEMM, verified against float64.

Options:
  --size <n>                    GEMM size (default 512)
${COMMON_HELP}`;

export async function demoCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, { size: { type: 'string', default: '512' } });
  if (values.help) {
    process.stdout.write(DEMO_HELP);
    return;
  }
  const size = Number(values.size), seed = Number(values.seed);
  if (!Number.isInteger(size) || size < 1 || size > 8192) throw new ArgumentError('--size', 'an integer in [1, 8192]', values.size);
  if (!Number.isInteger(seed) || seed < 0) throw new ArgumentError('--seed', 'a non-negative integer', values.seed);
  await demo(engineOptions(values), size, seed);
}

async function demo(options: ReturnType<typeof engineOptions>, n: number, seed: number): Promise<void> {
  const engine = await createEngine(options);
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

