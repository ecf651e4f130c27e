/**
 * The machine's ceiling for WebAssembly float32 arithmetic: f32x4 multiply-add throughput, measured
 * with assembly/peak.ts's fmaPeak (8 independent accumulators c += x·y on L1-resident vectors, the
 * GEMM micro-kernel's pattern without its memory traffic; 64 flops an iteration) on the build the
 * engine would pick (relaxed SIMD: f32x4.relaxed_madd, a fused multiply-add where the CPU
 * has one; else SIMD: f32x4.mul then f32x4.add), on one thread and on `threads` threads (the same
 * ThreadPool the backend uses, on its own instance and memory). Not a bench entry ('_' prefix).
 *
 * Timing: a call of ITERATIONS iterations lasts a few milliseconds; warm-up 2 calls (V8 tiers the
 * loop up), then SAMPLES samples of ≥ MIN_SAMPLE ms; the best sample is reported — a ceiling is
 * the rate the machine reaches when nothing else disturbs it, and on shared CPUs every slower sample
 * is disturbance. 15 samples, not 7: on this project's VM the all-thread rate of 7 samples ranged
 * 35–66 GFLOP/s between runs a minute apart (the host's other tenants), 15 catch a quiet window
 * more often. All threads: each sample runs CHUNKS_PER_THREAD × threads calls taken from the
 * pool's shared counter, so a helper that wakes late only takes fewer (the rate is all calls' flops
 * over the wall time).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { arch, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickVariant, createMemory, instantiate, type Kernels } from '../src/wasm/variants.js';
import { ThreadPool, CONTROL_BYTES, COUNTER_BYTES, canBlock } from '../src/wasm/threads.js';

const ITERATIONS = 100_000;
const CHUNKS_PER_THREAD = 8;
const SAMPLES = 15;
const MIN_SAMPLE = 60;

export interface Ceiling {
  /** GFLOP/s (2 flops a lane a multiply-add) on one thread and on all `threads`. */
  one: number;
  all: number;
  threads: number;
  /** 'fma' (relaxed_madd: fused where the CPU has FMA) or 'mul+add'. */
  op: 'fma' | 'mul+add';
  build: string;
}

interface PeakKernels extends Kernels {
  fmaPeak(iterations: number, data: number, out: number): void;
  fmaPeakFlopsPerIteration(): number;
  fmaPeakDataBytes(): number;
}

/**
 * Measures the ceiling with `threads` threads (1 = only the one-thread figure) on the build the
 * engine picks ('auto') or on the plain SIMD build ('simd': mul + add, for comparison where
 * relaxed SIMD validates).
 */
export async function measureCeiling(threads: number, simd: 'auto' | 'simd' = 'auto'): Promise<Ceiling> {
  const shared = threads > 1 && canBlock();
  const variant = pickVariant(simd, shared);
  if (variant.simd === 'scalar') throw new Error('no SIMD build validates here: the f32x4 ceiling needs one');
  const module = await WebAssembly.compile(variant.bytes as BufferSource);
  const memory = createMemory(16, variant.shared);
  const k = (await instantiate(module, memory)) as PeakKernels;
  const base = (k.heapBase() + 63) & ~63;
  const flops = k.fmaPeakFlopsPerIteration() * ITERATIONS;
  // Output slots 64 bytes apart (no false sharing), the vectors the loop reads (0.5 everywhere:
  // finite, and the sums stay far from overflow), then the pool's control blocks.
  const outs = Array.from({ length: threads }, (_, t) => base + 64 * t);
  let next = base + 64 * threads;
  const take = (bytes: number): number => {
    const at = next;
    next = (next + bytes + 63) & ~63;
    return at;
  };
  const data = take(k.fmaPeakDataBytes());
  new Float32Array(memory.buffer, data, k.fmaPeakDataBytes() / 4).fill(0.5);

  const oneCall = (): void => k.fmaPeak(ITERATIONS, data, outs[0]!);
  for (let i = 0; i < 2; i++) oneCall();
  const one = best(oneCall, 1, flops);

  let all = one;
  let pool: ThreadPool | null = null;
  if (variant.shared && threads > 1) {
    const controls = Array.from({ length: threads - 1 }, () => take(CONTROL_BYTES));
    const counter = take(COUNTER_BYTES);
    if (next > memory.buffer.byteLength) memory.grow(Math.ceil((next - memory.buffer.byteLength) / 65536));
    pool = await ThreadPool.start(module, memory, controls, counter, ['fmaPeak']);
    const chunks = CHUNKS_PER_THREAD * threads;
    const table = new Array<number>(chunks).fill(ITERATIONS);
    const local = k as unknown as Record<string, (...a: number[]) => void>;
    const allCall = (): void => pool!.run('fmaPeak', [ITERATIONS, data, 0], [0], table, 2, outs, local);
    for (let i = 0; i < 2; i++) allCall();
    all = best(allCall, chunks, flops);
    pool.destroy();
  }
  return { one, all, threads: pool ? threads : 1, op: variant.simd === 'relaxed' ? 'fma' : 'mul+add', build: variant.name };
}

/** Best GFLOP/s over SAMPLES samples of ≥ MIN_SAMPLE ms of `call` (`calls` fmaPeak calls each). */
function best(call: () => void, calls: number, flops: number): number {
  let top = 0;
  for (let s = 0; s < SAMPLES; s++) {
    const t0 = performance.now();
    let n = 0;
    do {
      call();
      n++;
    } while (performance.now() - t0 < MIN_SAMPLE);
    top = Math.max(top, (n * calls * flops) / ((performance.now() - t0) * 1e6));
  }
  return top;
}

export interface NativeCeiling {
  /** GFLOP/s with 256-bit (AVX2) and 128-bit fused multiply-adds, on one thread and on `threads`. */
  avx2: { one: number; all: number };
  sse: { one: number; all: number };
  threads: number;
  compiler: string;
}

/**
 * The CPU's own multiply-add ceiling from bench/native/fma_peak.c, compiled here with the machine's
 * C compiler (cc, else gcc) into a temporary directory: what native AVX2 code (OpenBLAS under numpy
 * and PyTorch) can reach, beside WebAssembly's f32x4 ceiling. Returns why not where it cannot run
 * (no compiler, not x86-64, no AVX2/FMA) so the bench says so and goes on.
 */
export function measureNativeCeiling(threads: number): NativeCeiling | { error: string } {
  if (arch() !== 'x64') return { error: `not x86-64 (${arch()})` };
  // The bundled bench runs from build/bench/; the source sits in bench/native/ of the repository.
  const source = fileURLToPath(new URL('../../bench/native/fma_peak.c', import.meta.url));
  const dir = mkdtempSync(join(tmpdir(), 'dropout-sme-fma-'));
  try {
    const exe = join(dir, 'fma_peak');
    let compiler = '';
    for (const cc of ['cc', 'gcc']) {
      try {
        execFileSync(cc, ['-O2', '-mavx2', '-mfma', '-pthread', '-o', exe, source], { stdio: 'pipe' });
        compiler = cc;
        break;
      } catch {
        // try the next compiler
      }
    }
    if (!compiler) return { error: 'no C compiler (cc or gcc) could build bench/native/fma_peak.c' };
    const parse = (n: number): Record<string, number> => {
      const out = execFileSync(exe, [String(n), '1000'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return Object.fromEntries(out.trim().split('\n').map((l) => { const [w, , r] = l.split(' '); return [w!, Number(r)]; }));
    };
    const one = parse(1), all = threads > 1 ? parse(threads) : one;
    return { avx2: { one: one['256']!, all: all['256']! }, sse: { one: one['128']!, all: all['128']! }, threads, compiler };
  } catch (err) {
    return { error: `fma_peak did not run: ${(err as Error).message.split('\n')[0]}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
