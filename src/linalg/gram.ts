/**
 * Gram matrix G = X·Xᵀ in float64 (WebAssembly, assembly/linalg-gram.ts) of a row-major S×D matrix,
 * for PCA with S ≪ D (S up to a few hundred, D up to ~1e6). X is streamed through the module's
 * memory in column chunks, so only S² + S·chunk float64 live there whatever D is; float32 input is
 * widened to float64 on the copy. Every product and sum is float64.
 */
import { ArgumentError } from '../errors.js';
import { linalgModule, release, scratch } from './module.js';
import { checkDim, nonFinite } from './validate.js';

/** Bytes of X copied per chunk (S rows × chunk columns float64): sized to stay in a core's L2. */
const CHUNK_BYTES = 512 * 1024;

/** G = X·Xᵀ (rows×rows, row-major, exactly symmetric) for x rows×cols, row-major. */
export async function gram(x: Float64Array | Float32Array, rows: number, cols: number): Promise<Float64Array> {
  if (!(x instanceof Float64Array || x instanceof Float32Array)) {
    throw new ArgumentError('x', 'a Float64Array or Float32Array', x);
  }
  checkDim('rows', rows, 1);
  checkDim('cols', cols, 1);
  if (x.length !== rows * cols) throw new ArgumentError('x', `length rows·cols = ${rows * cols}`, x.length);

  const chunk = Math.min(cols, Math.max(64, 2 * Math.floor(CHUNK_BYTES / (16 * rows))));
  const k = await linalgModule();
  const out = new Float64Array(rows * rows);
  try {
    const [g, xb] = scratch(k, [8 * rows * rows, 8 * rows * chunk]);
    const mem = new Float64Array(k.memory.buffer);
    const G = mem.subarray(g / 8, g / 8 + rows * rows);
    G.fill(0);
    for (let c0 = 0; c0 < cols; c0 += chunk) {
      const w = Math.min(chunk, cols - c0);
      const X = mem.subarray(xb / 8, xb / 8 + rows * w);
      if (w === cols) X.set(x);
      else for (let r = 0; r < rows; r++) X.set(x.subarray(r * cols + c0, r * cols + c0 + w), r * w);
      k.gramAccumulate(xb, rows, w, g);
    }
    for (let i = 0; i < rows; i++) {
      for (let j = i; j < rows; j++) {
        const v = G[i * rows + j]!;
        out[i * rows + j] = v;
        out[j * rows + i] = v;
      }
    }
  } finally {
    release(k);
  }
  // A non-finite input makes its row's G[i][i] = Σ x² non-finite: check the S diagonal entries,
  // and scan x only when one is.
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(out[i * rows + i]!)) {
      for (let t = 0; t < x.length; t++) if (!Number.isFinite(x[t]!)) throw nonFinite('x', t, x[t]!, cols);
      throw new ArgumentError('x', `rows whose sums of squares are finite in float64; row ${i} overflows`, out[i * rows + i]);
    }
  }
  return out;
}
