/**
 * Engines for the tests, on whatever runtime runs them (Node, Deno, browser). WebGPU is *required*
 * in CI (CI set) or when DROPOUT_SME_REQUIRE_WEBGPU=1 (or globalThis.DROPOUT_SME_REQUIRE_WEBGPU in
 * a page): then an absent adapter makes the suite fail instead of quietly running WASM alone.
 */
import { BackendUnavailableError, createEngine, type Engine } from 'dropout-sme';
import { runtimeName } from '../../src/webgpu/gpu-provider.js';

export { runtimeName };

type Env = Record<string, string | undefined>;

function environment(): Env {
  const g = globalThis as { process?: { env?: Env }; Deno?: { env: { toObject(): Env } } };
  if (g.process?.env) return g.process.env;
  if (g.Deno) return g.Deno.env.toObject();
  return {};
}


export function webgpuRequired(): boolean {
  const flag = (globalThis as { DROPOUT_SME_REQUIRE_WEBGPU?: unknown }).DROPOUT_SME_REQUIRE_WEBGPU;
  if (flag !== undefined) return !!flag;
  const env = environment();
  const v = env.DROPOUT_SME_REQUIRE_WEBGPU ?? (env.CI && env.CI !== 'false' && env.CI !== '0' ? '1' : '0');
  return v === '1' || v === 'true';
}

export interface TestEngines {
  wasm: Engine;
  /** null where WebGPU is absent and not required. */
  webgpu: Engine | null;
  /** Why WebGPU is absent (null when present). */
  missing: string | null;
}

export async function testEngines(): Promise<TestEngines> {
  const wasm = await createEngine({ backend: 'wasm' });
  try {
    const webgpu = await createEngine({ backend: 'webgpu' });
    return { wasm, webgpu, missing: null };
  } catch (err) {
    if (!(err instanceof BackendUnavailableError)) throw err;
    const note = `WebGPU absent on ${runtimeName()}: ${err.message}`;
    console.log(webgpuRequired() ? `ERROR (WebGPU required here): ${note}` : `NOTE: ${note}; only the WASM side runs`);
    return { wasm, webgpu: null, missing: err.message };
  }
}

/** The engines present, WASM first. */
export function present(e: TestEngines): Engine[] {
  return e.webgpu ? [e.wasm, e.webgpu] : [e.wasm];
}
