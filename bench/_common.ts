/**
 * What every benchmark shares: the JSON row format, the command-line flags, and a logger that is
 * silent under --json (which must print only the JSON array).
 */
import { createEngine, type Engine } from '../src/engine.js';

export interface Row {
  name: string;
  backend: string;
  value: number;
  unit: string;
  peer: string;
  peerValue: number;
  ratio: number;
  /**
   * GEMM and training rows of bench/peers.bench.ts: the fraction of the machine's measured f32x4
   * multiply-add ceiling (all threads, bench/_ceiling.ts) that the row's flops per second reach.
   */
  ceiling?: number | null;
  /**
   * Model rows of bench/peers-gpu.bench.ts: the memory-and-compute bound of the kernels the task
   * issues (bench/_kernel-bound.ts) ÷ its measured time.
   */
  bound?: number | null;
  /** Rows of bench/peers-gpu.bench.ts: median ms on an engine with split-K off (splitK: false). */
  splitKOff?: number | null;
}

/** Flops (2 × multiply-adds) of one training step's GEMMs: forward, weight gradients, input gradients below the top. */
export function stepFlops(sizes: readonly number[], n: number): number {
  let f = 0;
  for (let l = 0; l + 1 < sizes.length; l++) f += 2 * n * sizes[l]! * sizes[l + 1]! * (l === 0 ? 2 : 3);
  return f;
}

export const argv: string[] = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
export const JSON_OUT = argv.includes('--json');
export const QUICK = argv.includes('--quick');
export const NO_CAP = argv.includes('--no-cap');
export const NO_WEBGPU = argv.includes('--no-webgpu');

export const log = (s: string): void => {
  if (!JSON_OUT) console.log(s);
};

/**
 * Runs `bench` on each backend that starts ('wasm', and 'webgpu' unless --no-webgpu), saying
 * which are unavailable or failed, and disposing each engine; returns the results by label.
 */
export async function perBackend<T>(bench: (engine: Engine) => Promise<T>): Promise<Map<string, T>> {
  const labels: Array<'wasm' | 'webgpu'> = ['wasm'];
  if (NO_WEBGPU) log('webgpu: skipped (--no-webgpu)');
  else labels.push('webgpu');
  const results = new Map<string, T>();
  for (const label of labels) {
    let engine: Engine;
    try {
      engine = await createEngine({ backend: label });
    } catch (err) {
      log(`\n${label}: unavailable (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    log(`\n${label}: ${engine.backendInfo.description}`);
    try {
      results.set(label, await bench(engine));
    } catch (err) {
      log(`  ${label}: failed (${err instanceof Error ? err.stack ?? err.message : String(err)})`);
    } finally {
      engine.dispose();
    }
  }
  return results;
}

/**
 * Something timed: `run(count)` resolves when `count` units (calls, steps) have really finished,
 * to nothing (the wall time is taken) or to the milliseconds the contender measured itself (a
 * peer process timing its own calls, so the pipe's latency is not counted).
 */
export interface Timed {
  run(count: number): Promise<void | number>;
  count: number;
  samples: number;
  /** ms per unit of each sample. */
  times: number[];
}

export const now = (): number => performance.now();

export function median(xs: number[]): number {
  const t = [...xs].sort((a, b) => a - b);
  return t.length % 2 ? t[t.length >> 1]! : (t[t.length / 2 - 1]! + t[t.length / 2]!) / 2;
}

export const spread = (xs: number[]): string => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)} ms`;

/**
 * Round-robin samples, the order rotating each round, so a change of machine load hits every
 * contender alike; returns each contender's median ms per unit.
 */
export async function sampleInterleaved(cs: Timed[]): Promise<number[]> {
  const rounds = Math.max(...cs.map((c) => c.samples));
  for (let r = 0; r < rounds; r++) {
    for (let j = 0; j < cs.length; j++) {
      const c = cs[(r + j) % cs.length]!;
      if (c.times.length >= c.samples) continue;
      const t0 = now();
      const measured = await c.run(c.count);
      c.times.push((typeof measured === 'number' ? measured : now() - t0) / c.count);
    }
  }
  return cs.map((c) => median(c.times));
}
