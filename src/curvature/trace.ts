/**
 * Hutchinson's trace estimator tr(H) ≈ (1/P) Σ_p zₚᵀ H zₚ with Rademacher probes zₚ ∈ {±1}^D drawn
 * on the device by the mask kernel (keep ½ gives η ∈ {0, 2}; z = η − 1), so both backends use the
 * same probes. Its variance is 2(‖H‖_F² − Σ H_ii²)/P; the reported standard error is the sample one.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { checkInt } from '../backend/validate.js';
import { ArgumentError } from '../errors.js';
import { checkAbort, checkSignal } from '../abort.js';
import { streamTag } from '../random/streams.js';

/** The probes' stream tag, a `layer` of the mask kernel beyond every dropout layer (random/streams.ts). */
const PROBE = streamTag('hutchinsonProbe');

/** A Hutchinson estimate of tr(H) (docs/math.md §5.4). */
export interface TraceResult {
  /** The estimate (1/P) Σ_p z_pᵀ H z_p. */
  trace: number;
  /** Its sample standard error, sd/√P. */
  stdError: number;
  /** Probes P. */
  probes: number;
  /** zₚᵀ H zₚ per probe. */
  samples: Float64Array;
}

/** Writes Rademacher probe `index` of `seed` into z (length d), using `ones` (length d, all 1). */
export function rademacherProbe(k: Backend, z: Tensor, ones: Tensor, d: number, seed: number, index: number): void {
  k.mask(z, { keep: 0.5, units: d, samples: 1, seed, step: index, layer: PROBE });
  k.axpy(-1, ones, z);
}

export async function hutchinson(
  k: Backend, d: number, apply: (z: Tensor) => Tensor,
  opts: { probes?: number; seed?: number; onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {},
): Promise<TraceResult> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('options', 'an object', opts);
  const probes = checkInt('options.probes', opts.probes ?? 100, 2, 1 << 20);
  const seed = checkInt('options.seed', opts.seed ?? 0, 0, 0xffffffff);
  const signal = checkSignal('options.signal', opts.signal);
  const z = k.create(d), ones = k.create(d), out = k.create(probes);
  try {
    k.fill(ones, 1);
    for (let p = 0; p < probes; p++) {
      if (signal) await checkAbort(signal);
      rademacherProbe(k, z, ones, d, seed, p);
      k.reduce('dot', z, apply(z), out, p);
      if (opts.onProgress) {
        await k.flush();
        opts.onProgress(p + 1, probes);
      }
    }
    const samples = Float64Array.from((await k.read(out)) as Float32Array);
    const mean = samples.reduce((a, b) => a + b, 0) / probes;
    const variance = samples.reduce((a, b) => a + (b - mean) ** 2, 0) / (probes - 1);
    return { trace: mean, stdError: Math.sqrt(variance / probes), probes, samples };
  } finally {
    for (const t of [z, ones, out]) k.dispose(t);
  }
}
