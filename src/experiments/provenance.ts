/** What a results.json records about how it was made: no clock times, so reruns compare byte for byte. */
import type { Engine } from '../engine.js';
import type { Provenance } from '../report/results.js';
import { VERSION } from '../version.js';

/** The JavaScript runtime with its version ('node 20.20.2', 'deno 2.1.4' or a browser's user agent); its kind alone is webgpu/gpu-provider.ts's runtimeName. */
export function runtimeVersion(): string {
  const g = globalThis as { Deno?: { version: { deno: string } }; process?: { versions?: { node?: string } }; navigator?: { userAgent?: string } };
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.process?.versions?.node) return `node ${g.process.versions.node}`;
  return g.navigator?.userAgent ?? 'unknown';
}

/** The provenance block of results.json for a run on `engine`. */
export function provenance(engine: Engine, seed: number, preset: string, config: Record<string, unknown>): Provenance {
  return {
    package: 'dropout-sme', version: VERSION, backend: engine.backend, backendDescription: engine.backendInfo.description,
    runtime: runtimeVersion(), seed, preset, config,
  };
}
