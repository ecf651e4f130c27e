/**
 * The embedded digits' shape, apart from the digits themselves (mnist.ts embeds 1.6 MB), so that
 * settings checks (src/experiments/limits.ts) can size MNIST workloads without loading them.
 */

/** Number of digits in the embedded set. */
export const MNIST_COUNT = 10000;
/** Features per digit (28 × 28). */
export const MNIST_DIM = 784;
/** Classes (the digits 0–9). */
export const MNIST_CLASSES = 10;
