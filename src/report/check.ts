/**
 * Shape checks on a Results object before anything is drawn: the report is a pure function of
 * results.json, which may come from disk or from a merge, so a wrong shape is named here rather
 * than surfacing as a broken figure. Numbers may be null (NaN is written as null).
 */
import { ArgumentError } from '../errors.js';
import { RESULTS_SCHEMA, type Results } from './results.js';
import { SME_METHODS } from '../sme/path-options.js';

type Obj = Record<string, unknown>;

function obj(name: string, v: unknown): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new ArgumentError(name, 'an object', v);
  return v as Obj;
}

/** An array whose elements are objects: each returned with its indexed name. */
function objects(name: string, v: unknown): [string, Obj][] {
  if (!Array.isArray(v)) throw new ArgumentError(name, 'an array', v);
  return v.map((e, i) => [`${name}[${i}]`, obj(`${name}[${i}]`, e)]);
}

function nums(name: string, v: unknown, length?: number): void {
  if (!Array.isArray(v) || !v.every((x) => x === null || typeof x === 'number')) throw new ArgumentError(name, 'an array of numbers (null for NaN)', v);
  if (length !== undefined && v.length !== length) throw new ArgumentError(name, `an array of length ${length}`, v);
}

function num(name: string, v: unknown): void {
  if (v !== null && typeof v !== 'number') throw new ArgumentError(name, 'a number (null for NaN)', v);
}

function str(name: string, v: unknown): void {
  if (typeof v !== 'string') throw new ArgumentError(name, 'a string', v);
}

function pair(name: string, v: unknown, nullable: boolean): void {
  if (v === null && nullable) return;
  nums(name, v, 2);
}

/** The SME integrator's description: a scheme and its coarsest step h. */
function integrator(name: string, v: unknown): void {
  const i = obj(name, v);
  str(`${name}.scheme`, i['scheme']);
  num(`${name}.step`, i['step']);
}

/** A resolved order has a slope and no reason; an unresolved one a reason and no slope. */
function resolution(at: string, resolved: unknown, reason: unknown, slope: unknown, keep?: number): void {
  const where = keep === undefined ? at : `${at}.reasons[${keep}]`;
  if (typeof resolved !== 'boolean') throw new ArgumentError(`${at}.resolved`, 'true or false', resolved);
  if (resolved ? reason !== null || typeof slope !== 'number' : typeof reason !== 'string' || slope !== null) {
    throw new ArgumentError(where, resolved ? 'a resolved order: a slope and no reason' : 'an unresolved order: a reason and a null slope', { reason, slope });
  }
}

function fit(name: string, v: unknown): void {
  const f = obj(name, v);
  num(`${name}.psi`, f['psi']);
  pair(`${name}.interval`, f['interval'], true);
  num(`${name}.spearman`, f['spearman']);
  num(`${name}.used`, f['used']);
}

/** A dropout window's linear-response prediction: per-direction arrays of one length K. */
function prediction(at: string, p: Obj): void {
  if (p['basis'] !== 'pca' && p['basis'] !== 'hessian') throw new ArgumentError(`${at}.basis`, "'pca' or 'hessian'", p['basis']);
  num(`${at}.lr`, p['lr']);
  num(`${at}.span`, p['span']);
  nums(`${at}.measured`, p['measured']);
  const k = (p['measured'] as unknown[]).length;
  for (const key of ['flatness', 'window', 'curvature', 'noise']) nums(`${at}.${key}`, p[key], k);
  if (p['stationary'] !== null) nums(`${at}.stationary`, p['stationary'], k);
  nums(`${at}.eigenvalues`, p['eigenvalues'], k);
  nums(`${at}.unstable`, p['unstable']);
  const fits = obj(`${at}.fits`, p['fits']);
  fit(`${at}.fits.measured`, fits['measured']);
  fit(`${at}.fits.window`, fits['window']);
  if (fits['stationary'] !== null) fit(`${at}.fits.stationary`, fits['stationary']);
  const agreement = obj(`${at}.agreement`, p['agreement']);
  num(`${at}.agreement.medianRatio`, agreement['medianRatio']);
  num(`${at}.agreement.spearman`, agreement['spearman']);
  const scaling = obj(`${at}.noiseScaling`, p['noiseScaling']);
  num(`${at}.noiseScaling.exponent`, scaling['exponent']);
  pair(`${at}.noiseScaling.interval`, scaling['interval'], true);
  num(`${at}.noiseScaling.used`, scaling['used']);
}

/**
 * Checks that `results` has the shape of results.json (schema 'dropout-sme/results@3'): the
 * provenance and each present section with arrays of the right lengths. Numbers may be null.
 *
 * @throws `ArgumentError` naming the first bad field, e.g. 'results.sweep.series[0].errors[2]'.
 */
export function checkResults(results: unknown): asserts results is Results {
  const r = obj('results', results);
  if (r['schema'] !== RESULTS_SCHEMA) throw new ArgumentError('results.schema', JSON.stringify(RESULTS_SCHEMA), r['schema']);
  const p = obj('results.provenance', r['provenance']);
  for (const k of ['package', 'version', 'backend', 'backendDescription', 'runtime', 'preset']) str(`results.provenance.${k}`, p[k]);
  num('results.provenance.seed', p['seed']);
  obj('results.provenance.config', p['config']);

  if (r['sme'] !== undefined) {
    const s = obj('results.sme', r['sme']);
    str('results.sme.workload', s['workload']);
    nums('results.sme.times', s['times']);
    const n = (s['times'] as unknown[]).length;
    const methods = obj('results.sme.methods', s['methods']);
    for (const [m, band] of Object.entries(methods)) {
      const b = obj(`results.sme.methods.${m}`, band);
      for (const k of ['mean', 'lo', 'hi']) nums(`results.sme.methods.${m}.${k}`, b[k], n);
    }
  }
  if (r['weakOrder'] !== undefined) {
    const sections = r['weakOrder'];
    if (!Array.isArray(sections) || sections.length === 0) throw new ArgumentError('results.weakOrder', 'a non-empty array of regimes', sections);
    sections.forEach((section, k) => {
      const where = `results.weakOrder[${k}]`;
      const w = obj(where, section);
      str(`${where}.regime`, w['regime']);
      str(`${where}.workload`, w['workload']);
      nums(`${where}.lrs`, w['lrs']);
      integrator(`${where}.integrator`, w['integrator']);
      const n = (w['lrs'] as unknown[]).length;
      for (const [at, s] of objects(`${where}.series`, w['series'])) {
        if (!(SME_METHODS as readonly unknown[]).includes(s['method'])) throw new ArgumentError(`${at}.method`, SME_METHODS.join(', '), s['method']);
        nums(`${at}.errors`, s['errors'], n);
        nums(`${at}.floors`, s['floors'], n);
        nums(`${at}.integratorErrors`, s['integratorErrors'], n);
        num(`${at}.slope`, s['slope']);
        pair(`${at}.interval`, s['interval'], true);
        nums(`${at}.fitted`, s['fitted']);
        resolution(at, s['resolved'], s['reason'], s['slope']);
      }
    });
  }
  if (r['sweep'] !== undefined) {
    const s = obj('results.sweep', r['sweep']);
    str('results.sweep.workload', s['workload']);
    nums('results.sweep.lrs', s['lrs']);
    nums('results.sweep.keeps', s['keeps']);
    const rows = (s['keeps'] as unknown[]).length, cols = (s['lrs'] as unknown[]).length;
    integrator('results.sweep.integrator', s['integrator']);
    for (const [at, series] of objects('results.sweep.series', s['series'])) {
      if (!(SME_METHODS as readonly unknown[]).includes(series['method'])) throw new ArgumentError(`${at}.method`, SME_METHODS.join(', '), series['method']);
      for (const k of ['errors', 'floors', 'integratorErrors']) {
        const m = series[k];
        if (!Array.isArray(m) || m.length !== rows) throw new ArgumentError(`${at}.${k}`, `${rows} rows (one per keep)`, m);
        m.forEach((row, i) => nums(`${at}.${k}[${i}]`, row, cols));
      }
      nums(`${at}.slopes`, series['slopes'], rows);
      const reasons = series['reasons'];
      if (!Array.isArray(reasons) || reasons.length !== rows) throw new ArgumentError(`${at}.reasons`, `${rows} entries (one per keep)`, reasons);
      reasons.forEach((why, i) => resolution(at, why === null, why, (series['slopes'] as unknown[])[i], i));
    }
  }
  if (r['flatness'] !== undefined) {
    const f = obj('results.flatness', r['flatness']);
    str('results.flatness.workload', f['workload']);
    for (const [at, run] of objects('results.flatness.runs', f['runs'])) {
      str(`${at}.method`, run['method']);
      if (run['kind'] !== 'trajectory' && run['kind'] !== 'gradient') throw new ArgumentError(`${at}.kind`, "'trajectory' or 'gradient'", run['kind']);
      if (typeof run['keep'] !== 'number' || !(run['keep'] > 0 && run['keep'] <= 1)) throw new ArgumentError(`${at}.keep`, 'a keep probability in (0, 1]', run['keep']);
      nums(`${at}.variances`, run['variances']);
      nums(`${at}.flatness`, run['flatness'], (run['variances'] as unknown[]).length);
      num(`${at}.psi`, run['psi']);
      pair(`${at}.interval`, run['interval'], true);
      num(`${at}.spearman`, run['spearman']);
      if (run['predictions'] !== undefined) for (const [pat, p] of objects(`${at}.predictions`, run['predictions'])) prediction(pat, p);
    }
  }
  if (r['alignment'] !== undefined) {
    const a = obj('results.alignment', r['alignment']);
    str('results.alignment.workload', a['workload']);
    nums('results.alignment.steps', a['steps']);
    const n = (a['steps'] as unknown[]).length;
    for (const k of ['alpha', 'nullMean', 'nullSd', 'loss']) nums(`results.alignment.${k}`, a[k], n);
    nums('results.alignment.eigenvalues', a['eigenvalues']);
    nums('results.alignment.projectedVariance', a['projectedVariance'], (a['eigenvalues'] as unknown[]).length);
    num('results.alignment.spearman', a['spearman']);
  }
}
