/**
 * The memory-and-compute bound of some work as dropout-sme issues it: each kernel call it makes is
 * charged max(flops / peak flops, bytes / peak bandwidth), with a GEMM's flops 2·m·n·k per batch
 * entry and every kernel reading each input and writing each output exactly once (a shared
 * operand, stride 0, once for the whole batch; C read too when β ≠ 0), and the charges summed.
 * No implementation of the same kernels can beat it on that device, so measured time ÷ bound says
 * how far from its roofline the work runs. Elementwise kernels are charged for memory only (their
 * few flops an element hide under it). Not a bench entry ('_' prefix).
 */
import type { Backend, BroadcastOptions, GemmOptions, MaskOptions, RowsOptions, Tensor } from '../src/backend/backend.js';

/** One kernel call's cost. */
export interface KernelCall {
  name: string;
  flops: number;
  bytes: number;
}

/** Bytes and flops of one kernel call (4-byte elements). */
function cost(name: string, args: unknown[]): { flops: number; bytes: number } {
  const size = (t: unknown): number => (t as Tensor).size;
  switch (name) {
    case 'gemm': {
      const o = args[3] as GemmOptions, batch = o.batch ?? 1;
      const times = (stride: number | undefined) => (stride === 0 ? 1 : batch);
      const c = o.m * o.n * batch * ((o.beta ?? 0) !== 0 ? 2 : 1);
      return { flops: 2 * o.m * o.n * o.k * batch, bytes: 4 * (o.m * o.k * times(o.strideA) + o.k * o.n * times(o.strideB) + c) };
    }
    case 'activation':
    case 'scale':
    case 'gatherRows':
      return { flops: 0, bytes: 8 * (name === 'gatherRows' ? (args[3] as RowsOptions).rows * (args[3] as RowsOptions).cols : size(args[name === 'scale' ? 1 : 0])) };
    case 'mul':
      return { flops: 0, bytes: 12 * size(args[2]) };
    case 'axpy':
      return { flops: 0, bytes: 12 * size(args[1]) };
    case 'copy':
      return { flops: 0, bytes: 8 * ((args[4] as number | undefined) ?? size(args[0])) };
    case 'fill':
      return { flops: 0, bytes: 4 * size(args[0]) };
    case 'reduce':
      return { flops: 0, bytes: 4 * size(args[1]) * (args[2] ? 2 : 1) };
    case 'mask': {
      const o = args[1] as MaskOptions;
      return { flops: 0, bytes: 4 * o.units * o.samples };
    }
    case 'broadcast': {
      const o = args[3] as BroadcastOptions;
      return { flops: 0, bytes: 8 * o.rows * o.cols * (o.batch ?? 1) };
    }
    case 'softmaxXent': {
      const o = args[4] as RowsOptions;
      return { flops: 0, bytes: 4 * (3 * o.rows * o.cols + o.rows) };
    }
    default:
      return { flops: 0, bytes: 0 };
  }
}

const KERNELS = ['gemm', 'activation', 'scale', 'gatherRows', 'mul', 'axpy', 'copy', 'fill', 'reduce', 'mask', 'broadcast', 'softmaxXent'] as const;

/** Runs `work` with `k`'s kernels counted: the cost of every call, in order. The kernels are wrapped on the object for the call only. */
export async function tallyKernels(k: Backend, work: () => Promise<void>): Promise<KernelCall[]> {
  const calls: KernelCall[] = [];
  const target = k as unknown as Record<string, (...args: unknown[]) => unknown>;
  const saved = KERNELS.map((name) => [name, target[name]!, Object.prototype.hasOwnProperty.call(target, name)] as const);
  for (const [name, fn] of saved) {
    target[name] = function (this: unknown, ...args: unknown[]) {
      calls.push({ name, ...cost(name, args) });
      return fn.apply(this, args);
    };
  }
  try {
    await work();
  } finally {
    for (const [name, fn, own] of saved) {
      if (own) target[name] = fn;
      else delete target[name];
    }
  }
  return calls;
}

/** Σ over the calls of max(flops / peak, bytes / bandwidth), in ms, for a peak in GFLOP/s and a bandwidth in GB/s. */
export function boundMs(calls: KernelCall[], gflops: number, gbps: number): number {
  return calls.reduce((s, c) => s + Math.max(c.flops / (gflops * 1e6), c.bytes / (gbps * 1e6)), 0);
}
