/**
 * The device limits the WebGPU backend plans its work with: the device's own, optionally capped
 * lower (EngineOptions.limits) so tests can force the splitting paths that large problems take on
 * real devices. Every dispatch keeps each grid dimension ≤ maxPerDim and binds at most
 * `bindElems` elements of any buffer; no tensor exceeds `bufferElems`.
 */
import { ArgumentError } from '../errors.js';

/** Lower caps on device limits (bytes for the two sizes); values above the device's are ignored. */
export interface DeviceLimitCaps {
  /** Workgroups per grid dimension of one dispatch. */
  maxComputeWorkgroupsPerDimension?: number;
  /** Bytes one storage binding may cover. */
  maxStorageBufferBindingSize?: number;
  /** Bytes one buffer may hold. */
  maxBufferSize?: number;
}

export interface PlanLimits {
  /** Workgroups per grid dimension of one dispatch. */
  maxPerDim: number;
  /** Elements (4 bytes) one storage binding may cover, a multiple of 4 (vec4 arrays). */
  bindElems: number;
  /** Elements one buffer (tensor) may hold, a multiple of 4. */
  bufferElems: number;
  /** Storage binding offsets are multiples of this many elements. */
  align: number;
}

/** Smallest caps accepted: the kernels need a 256-element reduction stride and 64-row tiles to fit. */
const MIN_BINDING_BYTES = 4096;

export function checkLimitCaps(caps: unknown): DeviceLimitCaps {
  if (caps === undefined) return {};
  if (caps === null || typeof caps !== 'object' || Array.isArray(caps)) throw new ArgumentError('options.limits', 'an object of limit caps', caps);
  const c = caps as Record<string, unknown>;
  const mins: Record<string, number> = { maxComputeWorkgroupsPerDimension: 1, maxStorageBufferBindingSize: MIN_BINDING_BYTES, maxBufferSize: MIN_BINDING_BYTES };
  for (const key of Object.keys(c)) {
    if (!(key in mins)) throw new ArgumentError(`options.limits.${key}`, `one of ${Object.keys(mins).join(', ')}`, key);
    const v = c[key];
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < mins[key]!)) {
      throw new ArgumentError(`options.limits.${key}`, `an integer ≥ ${mins[key]}`, v);
    }
  }
  return c as DeviceLimitCaps;
}

export function planLimits(l: GPUSupportedLimits, caps: DeviceLimitCaps = {}): PlanLimits {
  const cap = (device: number, c: number | undefined) => (c === undefined ? device : Math.min(device, c));
  const maxPerDim = cap(l.maxComputeWorkgroupsPerDimension, caps.maxComputeWorkgroupsPerDimension);
  const buffer = cap(l.maxBufferSize, caps.maxBufferSize);
  const binding = Math.min(cap(l.maxStorageBufferBindingSize, caps.maxStorageBufferBindingSize), buffer);
  return {
    maxPerDim,
    bindElems: Math.floor(binding / 16) * 4,
    bufferElems: Math.floor(buffer / 16) * 4,
    align: Math.max(1, Math.ceil(l.minStorageBufferOffsetAlignment / 4)),
  };
}

/** Consecutive ranges [start, start + count) covering n elements, each ≤ max, starts multiples of align. */
export function spans(n: number, max: number, align: number): { start: number; count: number }[] {
  const step = Math.max(align, Math.floor(max / align) * align);
  const out: { start: number; count: number }[] = [];
  for (let start = 0; start < n; start += step) out.push({ start, count: Math.min(step, n - start) });
  return out;
}

/** Elements a 1-D kernel (`width` invocations per workgroup, one element each) may cover per dispatch. */
export function perDispatch(lim: PlanLimits, width = 256): number {
  return Math.min(lim.bindElems, lim.maxPerDim * lim.maxPerDim * width);
}
