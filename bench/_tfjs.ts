/**
 * Loads the benchmark peer @tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm (XNNPACK) in Node,
 * the same way bench/gemm.bench.ts does: setWasmPaths with the package's dist/ directory as a file
 * path ending in '/', then tf.setBackend('wasm'). Not a bench entry (the name starts with '_').
 *
 * Gradients: tfjs-core's Node bundle (dist/tf-core.node.js, what `import '@tensorflow/tfjs-core'`
 * loads) registers no gradient functions; @tensorflow/tfjs normally adds them with
 * dist/register_all_gradients.js, an ES module that Node cannot load from this CommonJS package.
 * So `withGradients` has esbuild bundle that file (imported by relative path, which the build's
 * '@tensorflow/*' external does not match) and runs it after tfjs-core has loaded; its copy of
 * tfjs-core's modules shares the global engine and registries, so the gradients are tfjs' own.
 */
import type * as TfCore from '@tensorflow/tfjs-core';

export type Tf = typeof TfCore;

export async function loadTfjs(opts: { withGradients?: boolean } = {}): Promise<{ tf: Tf; label: string } | { error: string }> {
  try {
    const tf = (await import('@tensorflow/tfjs-core')) as unknown as Tf;
    if (opts.withGradients) await import('../node_modules/@tensorflow/tfjs-core/dist/register_all_gradients.js');
    const wasm = (await import('@tensorflow/tfjs-backend-wasm')) as unknown as { setWasmPaths(p: string): void };
    const { createRequire } = await import('node:module');
    const { dirname, join } = await import('node:path');
    const require = createRequire(join(process.cwd(), 'package.json'));
    wasm.setWasmPaths(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + '/');
    if (!(await tf.setBackend('wasm'))) return { error: 'tf.setBackend("wasm") failed' };
    await tf.ready();
    const simd = !!(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    const threads = !!(await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'));
    const build = threads ? (simd ? 'threaded-SIMD build' : 'threaded build') : simd ? 'SIMD build, 1 thread' : 'plain build, 1 thread';
    return { tf, label: `tfjs-wasm ${tf.version_core} (XNNPACK, ${build})` };
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}
