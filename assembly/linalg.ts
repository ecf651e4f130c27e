/**
 * Entry of the float64 linear-algebra module (asconfig.json target "linalg" → build/wasm/linalg.wasm),
 * separate from the backend's kernel builds and CPU-only: symmetric and tridiagonal
 * eigen-decompositions and Gram matrices, used by the curvature and noise analyses whichever backend
 * is active. The module owns and exports its (non-shared) memory; the JS side (src/linalg/) grows it
 * and passes byte pointers at or above heapBase(). Nothing here allocates.
 */
export { tred2, tql2 } from './linalg-eigen';
export { gramAccumulate } from './linalg-gram';

/** First byte the JS allocator may use (after any static data). */
export function heapBase(): usize {
  return __heap_base;
}
