/**
 * Standard normal numbers from the counter generator (Box–Muller on two 32-bit words), so a
 * (seed, stream tag, step) triple gives the same numbers on every runtime that shares V8's libm.
 */
import { streamHead, streamTail } from '../random/streams.js';

/** z_i for i < n of (seed, step) in the stream tagged `tag` (random/streams.ts), into out (or a new array). */
export function gaussians(n: number, seed: number, tag: number, step: number, out = new Float32Array(n)): Float32Array {
  const head = streamHead(seed, tag, step);
  for (let i = 0; i < n; i += 2) {
    // u1 ∈ (0, 1] avoids log(0); u2 ∈ [0, 1).
    const u1 = (streamTail(head, i, 1) + 1) / 4294967296;
    const u2 = streamTail(head, i, 2) / 4294967296;
    const r = Math.sqrt(-2 * Math.log(u1)), a = 2 * Math.PI * u2;
    out[i] = r * Math.cos(a);
    if (i + 1 < n) out[i + 1] = r * Math.sin(a);
  }
  return out;
}
