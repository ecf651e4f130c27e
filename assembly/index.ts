/**
 * Entry of every WebAssembly build (asconfig.json targets scalar, simd, simd-shared, relaxed,
 * relaxed-shared). The kernels never allocate: the JS side (src/wasm/) owns the imported linear
 * memory and passes byte pointers. Static data, if any, lies below heapBase().
 */
export { gemm, gemmScratchBytes, gemmTileRows, gemmTileCols, gemmPack, gemmPackPanelBytes } from './gemm';
export { activation } from './activation';
export { axpy } from './axpy';
export { scale } from './scale';
export { mul } from './mul';
export { reduce } from './reduce';
export { mask } from './mask';
export { broadcast } from './broadcast';
export { softmax_xent } from './softmax_xent';
export { gather_rows } from './gather_rows';
export { fmaPeak, fmaPeakFlopsPerIteration, fmaPeakDataBytes } from './peak';

/** First byte the JS allocator may use (after any static data). */
export function heapBase(): usize {
  return __heap_base;
}
