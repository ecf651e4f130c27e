/**
 * Shader modules and compute pipelines, compiled on first use and cached by (kernel, defines).
 * Every kernel's entry point is `main`; layouts are 'auto' (each variant declares only the
 * bindings it uses, and uses every binding it declares).
 */
import type { KernelName } from '../backend/kernel-declarations.js';
import { definesKey, preprocess, type Defines } from './preprocess.js';
import gemm from '../../shaders/gemm.wgsl';
import activation from '../../shaders/activation.wgsl';
import axpy from '../../shaders/axpy.wgsl';
import scale from '../../shaders/scale.wgsl';
import mul from '../../shaders/mul.wgsl';
import reduce from '../../shaders/reduce.wgsl';
import mask from '../../shaders/mask.wgsl';
import fill from '../../shaders/fill.wgsl';
import broadcast from '../../shaders/broadcast.wgsl';
import softmax_xent from '../../shaders/softmax_xent.wgsl';
import gather_rows from '../../shaders/gather_rows.wgsl';

/** Each declared kernel's WGSL source (src/backend/kernel-declarations.ts names them). */
export const SHADERS: Readonly<Record<KernelName, string>> = { gemm, activation, axpy, scale, mul, reduce, mask, fill, broadcast, softmax_xent, gather_rows };

export class PipelineCache {
  private readonly pipelines = new Map<string, GPUComputePipeline>();

  constructor(private readonly device: GPUDevice) {}

  get(kernel: KernelName, defines: Defines = {}): GPUComputePipeline {
    const key = definesKey(kernel, defines);
    let pipeline = this.pipelines.get(key);
    if (!pipeline) {
      const code = preprocess(SHADERS[kernel], defines);
      const module = this.device.createShaderModule({ label: key, code });
      pipeline = this.device.createComputePipeline({ label: key, layout: 'auto', compute: { module, entryPoint: 'main' } });
      this.pipelines.set(key, pipeline);
    }
    return pipeline;
  }

  get size(): number {
    return this.pipelines.size;
  }
}
