/**
 * Cancellation of long computations: an optional AbortSignal (a `signal` option), checked between
 * steps. An abort from outside (a SIGINT handler, a Stop button, a timer) is delivered only between
 * macrotasks, and WASM kernels and their reads never leave the microtask queue, so the check also
 * yields to the event loop, at most every YIELD_MS, to let that abort arrive.
 */
import { ArgumentError } from './errors.js';

const YIELD_MS = 25;
let lastYield = 0;

const nextMacrotask: () => Promise<void> = (() => {
  const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
  return immediate ? () => new Promise<void>((r) => void immediate(r)) : () => new Promise<void>((r) => void setTimeout(r, 0));
})();

/** Throws the signal's reason once it is aborted; yields to the event loop now and then to see it. */
export async function checkAbort(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return;
  signal.throwIfAborted();
  const now = Date.now();
  if (now - lastYield < YIELD_MS) return;
  lastYield = now;
  await nextMacrotask();
  signal.throwIfAborted();
}

/** The `signal` option: absent, or an AbortSignal. */
export function checkSignal(name: string, v: unknown): AbortSignal | undefined {
  if (v === undefined) return undefined;
  if (typeof AbortSignal === 'undefined' || !(v instanceof AbortSignal)) throw new ArgumentError(name, 'an AbortSignal', v);
  return v;
}
