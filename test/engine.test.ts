/** createEngine: backend selection, reasons, errors for unknown or missing backends. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ArgumentError, BackendUnavailableError, DisposedError, createEngine } from 'dropout-sme';
import { testEngines } from './helpers/engines.js';

const { webgpu, wasm } = await testEngines();
wasm.dispose();
webgpu?.dispose();

test("'wasm' runs WASM and says it was requested", async () => {
  const e = await createEngine({ backend: 'wasm' });
  assert.is(e.backend, 'wasm');
  assert.is(e.backendInfo.requested, 'wasm');
  assert.match(e.backendInfo.reason, /requested 'wasm'/);
  assert.match(e.backendInfo.description, /WebAssembly/);
  e.dispose();
});

test("'auto' without WebGPU falls back to WASM and records why", async () => {
  const e = await createEngine({ backend: 'auto', gpu: null });
  assert.is(e.backend, 'wasm');
  assert.match(e.backendInfo.reason, /fell back to WASM: .*WebGPU/);
  e.dispose();
});

test("'webgpu' without WebGPU throws BackendUnavailableError saying what is missing", async () => {
  try {
    await createEngine({ backend: 'webgpu', gpu: null });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, BackendUnavailableError);
    assert.match((err as Error).message, /WebGPU/);
  }
});

test('an unknown backend name is an ArgumentError naming options.backend', async () => {
  try {
    await createEngine({ backend: 'cuda' as never });
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, ArgumentError);
    assert.match((err as Error).message, /options\.backend: expected one of 'auto', 'webgpu', 'wasm', got "cuda"/);
  }
});

test("'auto' picks WebGPU where an adapter exists", async () => {
  const e = await createEngine();
  assert.is(e.backend, webgpu ? 'webgpu' : 'wasm');
  assert.match(e.backendInfo.reason, webgpu ? /WebGPU adapter and device were available/ : /fell back to WASM/);
  e.dispose();
});

test('a disposed engine refuses further work', async () => {
  const e = await createEngine({ backend: 'wasm' });
  const t = e.kernels.create(4);
  e.dispose();
  assert.throws(() => e.kernels.create(4), (err: unknown) => err instanceof DisposedError);
  assert.throws(() => e.kernels.fill(t, 1), (err: unknown) => err instanceof DisposedError);
});

test.run();
