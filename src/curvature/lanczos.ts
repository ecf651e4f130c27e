/**
 * Lanczos with full reorthogonalisation for a symmetric operator on device vectors (docs/math.md §5).
 * The basis Q (rows q_0 … q_m, each of length D) stays on the device; each step projects the new
 * vector against all of Q twice (classical Gram–Schmidt, repeated — "twice is enough"), with two
 * GEMMs per pass. A breakdown (β ≈ 0: an invariant subspace was found) restarts from a fresh random
 * vector orthogonal to Q, recorded as β = 0 so T splits into blocks.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkAbort } from '../abort.js';
import { streamHead, streamTag, streamTail } from '../random/streams.js';

export interface LanczosRun {
  /** Diagonal α (length m) and off-diagonal β (length m − 1) of T = Qᵀ A Q. */
  alpha: Float64Array;
  beta: Float64Array;
  /** β after the last step: the residual norm scale of every Ritz pair. */
  betaLast: number;
  /** The basis, m rows of length D (row-major m × D), on the device. Dispose when done. */
  basis: Tensor;
  /** Number of steps taken (m). */
  steps: number;
  /** Steps at which a breakdown forced a restart. */
  restarts: number[];
}

export interface LanczosOptions {
  steps: number;
  seed: number;
  /** Stream tag (random/streams.ts) of the start (index 0) and restart vectors (default: the lanczos stream). */
  tag?: number;
  /** A fixed start vector (length D) instead of a random one. */
  start?: Float32Array;
  /** Called after each step with (step, steps) for progress. */
  onStep?: (done: number, total: number) => void;
  /** Stops between steps once aborted, rejecting with the signal's reason. */
  signal?: AbortSignal;
}

/** Unit-norm random vector `index` of a stream tag (uniform signs: Rademacher / √D). */
export function rademacher(d: number, seed: number, tag: number, index: number): Float32Array {
  const v = new Float32Array(d);
  const s = 1 / Math.sqrt(d), head = streamHead(seed, tag, index);
  for (let i = 0; i < d; i++) v[i] = streamTail(head, i, 0) & 1 ? s : -s;
  return v;
}

export async function lanczos(k: Backend, d: number, apply: (q: Tensor) => Tensor, opts: LanczosOptions): Promise<LanczosRun> {
  const m = Math.min(opts.steps, d);
  const tag = opts.tag ?? streamTag('lanczos');
  const basis = k.create(m * d);
  const w = k.create(d), q = k.create(d), coef = k.create(m), norm = k.create(2);
  const alpha = new Float64Array(m), beta = new Float64Array(Math.max(0, m - 1));
  const restarts: number[] = [];
  let betaLast = 0;
  try {
    k.write(basis, opts.start ? normalised(opts.start) : rademacher(d, opts.seed, tag, 0), 0);
    let restartIndex = 1;
    for (let j = 0; j < m; j++) {
      if (opts.signal) await checkAbort(opts.signal);
      k.copy(basis, q, j * d, 0, d);
      k.copy(apply(q), w);
      // Pass 1: c = Q_{0..j} w gives α_j = c_j; w ← w − Q_{0..j}ᵀ c. Pass 2 repeats for stability.
      // α_j and ‖w‖² land in one small tensor, read back once per step.
      k.gemm(basis, w, coef, { m: j + 1, n: 1, k: d });
      k.copy(coef, norm, j, 0, 1);
      k.gemm(basis, coef, w, { m: d, n: 1, k: j + 1, transA: true, alpha: -1, beta: 1 });
      k.gemm(basis, w, coef, { m: j + 1, n: 1, k: d });
      k.gemm(basis, coef, w, { m: d, n: 1, k: j + 1, transA: true, alpha: -1, beta: 1 });
      k.reduce('sumsq', w, null, norm, 1);
      const [a, b2] = (await k.read(norm)) as Float32Array;
      alpha[j] = a!;
      const b = Math.sqrt(b2!);
      opts.onStep?.(j + 1, m);
      if (j === m - 1) {
        betaLast = b;
        break;
      }
      const scale = Math.max(Math.abs(alpha[j]!), j > 0 ? beta[j - 1]! : 0, 1e-30);
      if (!(b > 1e-6 * scale)) {
        // Breakdown: continue from a random vector orthogonal to the basis; T decouples (β = 0).
        restarts.push(j + 1);
        beta[j] = 0;
        k.write(w, rademacher(d, opts.seed, tag, restartIndex++));
        for (let pass = 0; pass < 2; pass++) {
          k.gemm(basis, w, coef, { m: j + 1, n: 1, k: d });
          k.gemm(basis, coef, w, { m: d, n: 1, k: j + 1, transA: true, alpha: -1, beta: 1 });
        }
        k.reduce('sumsq', w, null, norm, 1);
        const nb = Math.sqrt(((await k.read(norm, 1, 1)) as Float32Array)[0]!);
        k.scale(1 / nb, w);
      } else {
        beta[j] = b;
        k.scale(1 / b, w);
      }
      k.copy(w, basis, 0, (j + 1) * d, d);
    }
    return { alpha, beta, betaLast, basis, steps: m, restarts };
  } catch (err) {
    k.dispose(basis);
    throw err;
  } finally {
    for (const t of [w, q, coef, norm]) k.dispose(t);
  }
}

function normalised(v: Float32Array): Float32Array {
  let s = 0;
  for (const x of v) s += x * x;
  const inv = 1 / Math.sqrt(s);
  return Float32Array.from(v, (x) => x * inv);
}
