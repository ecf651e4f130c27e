/**
 * What every benchmark shares: the JSON row format, the command-line flags, and a logger that is
 * silent under --json (which must print only the JSON array).
 */
import { createEngine, type Engine } from '../src/engine.js';

export interface Row {
  name: string;
  backend: string;
  value: number;
  unit: string;
  peer: string;
  peerValue: number;
  ratio: number;
}

export const argv: string[] = (globalThis as { process?: { argv?: string[] } }).process?.argv ?? [];
export const JSON_OUT = argv.includes('--json');
export const QUICK = argv.includes('--quick');
export const NO_CAP = argv.includes('--no-cap');
export const NO_WEBGPU = argv.includes('--no-webgpu');

export const log = (s: string): void => {
  if (!JSON_OUT) console.log(s);
};

/**
 * Runs `bench` on each backend that starts ('wasm', and 'webgpu' unless --no-webgpu), saying
 * which are unavailable or failed, and disposing each engine; returns the results by label.
 */
export async function perBackend<T>(bench: (engine: Engine) => Promise<T>): Promise<Map<string, T>> {
  const labels: Array<'wasm' | 'webgpu'> = ['wasm'];
  if (NO_WEBGPU) log('webgpu: skipped (--no-webgpu)');
  else labels.push('webgpu');
  const results = new Map<string, T>();
  for (const label of labels) {
    let engine: Engine;
    try {
      engine = await createEngine({ backend: label });
    } catch (err) {
      log(`\n${label}: unavailable (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    log(`\n${label}: ${engine.backendInfo.description}`);
    try {
      results.set(label, await bench(engine));
    } catch (err) {
      log(`  ${label}: failed (${err instanceof Error ? err.stack ?? err.message : String(err)})`);
    } finally {
      engine.dispose();
    }
  }
  return results;
}
