/** The messages between the lab page and its worker (the worker runs the reproduction). */
import type { BackendRequest } from 'dropout-sme';
import type { PresetName, Results, SectionName } from 'dropout-sme/reproduce';

export interface RunRequest {
  type: 'run';
  preset: PresetName;
  seed: number;
  config: Record<string, unknown>;
  sections: SectionName[];
  backend: BackendRequest;
  /** The WASM build; relaxed SIMD's fused multiply-add rounds differently from plain SIMD. */
  simd: WasmBuild;
}

export type WasmBuild = 'auto' | 'relaxed' | 'simd' | 'scalar';

export type WorkerMessage =
  | { type: 'backend'; backend: 'webgpu' | 'wasm'; description: string; reason: string }
  | { type: 'progress'; done: number; total: number; unit: string }
  /** Results of every section finished so far, after `section` finished. */
  | { type: 'section'; section: SectionName; results: Results }
  | { type: 'done'; results: Results }
  | { type: 'error'; name: string; message: string };
