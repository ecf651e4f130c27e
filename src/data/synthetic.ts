/**
 * Synthetic regression tasks (docs/math.md §7 W4): small, exactly reproducible data for the theory's
 * checks (mask enumeration, exact noise covariance, weak-order studies). Everything is drawn
 * from createRng(seed, stream) (src/data/random.ts), never Math.random; inputs are rounded to
 * float32 first and targets computed in float64 from the rounded inputs, so a float64 reference
 * fed the same x reproduces y to float32 rounding.
 */
import { ArgumentError } from '../errors.js';
import { checkFinite, checkInt } from '../backend/validate.js';
import type { HostDataset } from './dataset-types.js';
import { createRng } from './random.js';

/** Options of {@link sineTask}. */
export interface SineTaskOptions {
  /** Number of samples. Default 64. */
  n?: number;
  /** Standard deviation of the Gaussian noise added to the targets. Default 0. */
  noise?: number;
  /** Seed, an integer in [0, 2^32 − 1]. Default 0. */
  seed?: number;
  /** Inputs are drawn uniformly from [lo, hi). Default [−π, π]. */
  xRange?: readonly [number, number];
  /** y = sin(frequency · x). Default 1. */
  frequency?: number;
  /** 'random' (default): x uniform in xRange, sorted ascending; 'grid': n evenly spaced points from lo to hi. */
  spacing?: 'random' | 'grid';
}

/**
 * y = sin(frequency · x) + noise · N(0, 1), x ∈ xRange; inDim = outDim = 1. The rows are sorted
 * by x (convenient for plots; full-batch training does not care about order). The inputs come
 * from createRng(seed, 0), the noise from createRng(seed, 1), so changing `noise` keeps x.
 */
export function sineTask(opts: SineTaskOptions = {}): HostDataset {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object', opts);
  const n = checkInt('opts.n', opts.n ?? 64, 1, 1 << 24);
  const noise = checkFinite('opts.noise', opts.noise ?? 0);
  if (noise < 0) throw new ArgumentError('opts.noise', 'a non-negative number', noise);
  const seed = checkInt('opts.seed', opts.seed ?? 0, 0, 0xffffffff);
  const range = opts.xRange ?? [-Math.PI, Math.PI];
  if (!Array.isArray(range) || range.length !== 2) throw new ArgumentError('opts.xRange', 'a pair [lo, hi]', range);
  const lo = checkFinite('opts.xRange[0]', range[0]);
  const hi = checkFinite('opts.xRange[1]', range[1]);
  if (!(lo < hi)) throw new ArgumentError('opts.xRange', `lo < hi`, `[${lo}, ${hi}]`);
  const frequency = checkFinite('opts.frequency', opts.frequency ?? 1);
  const spacing = opts.spacing ?? 'random';
  if (spacing !== 'random' && spacing !== 'grid') throw new ArgumentError('opts.spacing', "'random' or 'grid'", spacing);

  const x = new Float32Array(n);
  if (spacing === 'grid') {
    for (let i = 0; i < n; i++) x[i] = n === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (n - 1);
  } else {
    const r = createRng(seed, 0);
    for (let i = 0; i < n; i++) x[i] = lo + (hi - lo) * r.float();
    x.sort();
  }
  const y = new Float32Array(n);
  const r = createRng(seed, 1);
  for (let i = 0; i < n; i++) y[i] = Math.sin(frequency * x[i]!) + (noise > 0 ? noise * r.normal() : 0);
  return { x, y, n, inDim: 1, outDim: 1, name: `sine(n=${n}, noise=${noise}, seed=${seed})` };
}

/** Options of {@link teacherTask}. */
export interface TeacherTaskOptions {
  /** Number of samples. Default 64. */
  n?: number;
  /** Input dimension. Default 2. */
  inDim?: number;
  /** Hidden width of the teacher. Default 8. */
  width?: number;
  /** Output dimension. Default 1. */
  outDim?: number;
  /** Standard deviation of Gaussian noise added to the targets. Default 0. */
  noise?: number;
  /** Seed, an integer in [0, 2^32 − 1]. Default 0. */
  seed?: number;
}

/** The teacher network behind teacherTask, in the package's parameter layout. */
export interface Teacher {
  /** First layer W1, width × inDim, row-major. */
  w1: Float32Array;
  /** Second layer W2, outDim × width, row-major. */
  w2: Float32Array;
  /** W1 then W2: the flat parameter vector of a bias-free MLP [inDim, width, outDim] with tanh. */
  params: Float32Array;
  /** The teacher's layer sizes [inDim, width, outDim]. */
  sizes: [number, number, number];
}

/**
 * Targets from a random two-layer tanh teacher: y = W2 · tanh(W1 · x) + noise · N(0, 1), with
 * x ~ N(0, I) (createRng(seed, 0)), W1 entries ~ N(0, 1/inDim) and W2 entries ~ N(0, 1/width)
 * (createRng(seed, 1)), noise from createRng(seed, 2). Weights and inputs are float32; the
 * targets are computed in float64 from them. The teacher is returned with the data.
 */
export function teacherTask(opts: TeacherTaskOptions = {}): HostDataset & { teacher: Teacher } {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object', opts);
  const n = checkInt('opts.n', opts.n ?? 64, 1, 1 << 24);
  const inDim = checkInt('opts.inDim', opts.inDim ?? 2, 1, 1 << 16);
  const width = checkInt('opts.width', opts.width ?? 8, 1, 1 << 16);
  const outDim = checkInt('opts.outDim', opts.outDim ?? 1, 1, 1 << 16);
  if (n * Math.max(inDim, outDim) > 1 << 28) throw new ArgumentError('opts.n', `n × max(inDim, outDim) ≤ ${1 << 28}`, n * Math.max(inDim, outDim));
  if (width * (inDim + outDim) > 1 << 26) {
    throw new ArgumentError('opts.width', `width × (inDim + outDim) ≤ ${1 << 26} teacher weights`, width * (inDim + outDim));
  }
  const noise = checkFinite('opts.noise', opts.noise ?? 0);
  if (noise < 0) throw new ArgumentError('opts.noise', 'a non-negative number', noise);
  const seed = checkInt('opts.seed', opts.seed ?? 0, 0, 0xffffffff);

  const rx = createRng(seed, 0), rw = createRng(seed, 1), rn = createRng(seed, 2);
  const x = new Float32Array(n * inDim);
  for (let i = 0; i < x.length; i++) x[i] = rx.normal();
  const params = new Float32Array(width * inDim + outDim * width);
  const w1 = params.subarray(0, width * inDim);
  const w2 = params.subarray(width * inDim);
  const s1 = 1 / Math.sqrt(inDim), s2 = 1 / Math.sqrt(width);
  for (let i = 0; i < w1.length; i++) w1[i] = s1 * rw.normal();
  for (let i = 0; i < w2.length; i++) w2[i] = s2 * rw.normal();

  const y = new Float32Array(n * outDim);
  const h = new Float64Array(width);
  for (let s = 0; s < n; s++) {
    for (let k = 0; k < width; k++) {
      let z = 0;
      for (let j = 0; j < inDim; j++) z += w1[k * inDim + j]! * x[s * inDim + j]!;
      h[k] = Math.tanh(z);
    }
    for (let o = 0; o < outDim; o++) {
      let v = 0;
      for (let k = 0; k < width; k++) v += w2[o * width + k]! * h[k]!;
      y[s * outDim + o] = v + (noise > 0 ? noise * rn.normal() : 0);
    }
  }
  return {
    x, y, n, inDim, outDim,
    name: `teacher(n=${n}, inDim=${inDim}, width=${width}, outDim=${outDim}, seed=${seed})`,
    teacher: { w1: w1.slice(), w2: w2.slice(), params, sizes: [inDim, width, outDim] },
  };
}
