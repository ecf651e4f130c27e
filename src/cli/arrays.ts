/**
 * The .npy arrays beside results.json: every numeric array of every section, one file each,
 * named by its path in results.json (e.g. sweep.series.sme1.errors.npy, keeps × lrs;
 * sme.methods.sme1.mean.npy), float64 with NaN where results.json has null. Rectangular nested arrays
 * become 2-D; an element of a list of sections or series is named by its regime or method.
 */
import { writeNpy } from '../data/npy.js';
import type { Results } from '../report/results.js';

const isNumeric = (v: unknown) => typeof v === 'number' || v === null;
/** A list element's own name: its `method` (a series) or `regime` (a weak-order section). */
const nameOf = (v: unknown): string | null => {
  const o = v && typeof v === 'object' ? (v as Record<string, unknown>) : null;
  const name = o?.['method'] ?? o?.['regime'];
  return typeof name === 'string' ? name : null;
};

function collect(value: unknown, path: string, out: Map<string, { data: Float64Array; shape: number[] }>): void {
  if (Array.isArray(value)) {
    if (value.length > 0 && value.every(isNumeric)) {
      out.set(path, { data: Float64Array.from(value, (v) => (v === null ? NaN : (v as number))), shape: [value.length] });
      return;
    }
    const rows = value as unknown[];
    if (rows.length > 0 && rows.every((r) => Array.isArray(r) && r.length === (rows[0] as unknown[]).length && r.length > 0 && r.every(isNumeric))) {
      const cols = (rows[0] as unknown[]).length;
      out.set(path, { data: Float64Array.from(rows.flat() as (number | null)[], (v) => (v === null ? NaN : v)), shape: [rows.length, cols] });
      return;
    }
    rows.forEach((r, i) => collect(r, `${path}.${nameOf(r) ?? i}`, out));
    return;
  }
  if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) collect(v, path ? `${path}.${k}` : k, out);
}

/** The .npy files of the arrays: file name and bytes. */
export function arrayFiles(results: Results): { name: string; bytes: Uint8Array }[] {
  const found = new Map<string, { data: Float64Array; shape: number[] }>();
  const { schema: _s, provenance: _p, ...sections } = results;
  collect(sections, '', found);
  return [...found].map(([path, a]) => ({ name: `${path.replace(/[^A-Za-z0-9_.-]/g, '_')}.npy`, bytes: writeNpy(a.data, a.shape) }));
}
