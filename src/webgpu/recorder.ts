/**
 * Records work into one command encoder and submits it on demand (read/flush), when the uniform
 * ring is full, or between operations once MAX_COMMANDS commands are pending. Uniform parameters of each dispatch go into a
 * slot of a host-side ring that is uploaded with queue.writeBuffer just before the submit that
 * uses it (queue operations are ordered, so the next batch may reuse the slots). Host data for
 * write() travels through mapped-at-creation staging buffers copied inside the encoder, so it is
 * ordered with the recorded work without a submit. Temporary buffers are destroyed after the
 * submit that uses them.
 */
import type { KernelName, ParamValues } from '../backend/kernel-declarations.js';
import { USAGE } from './tensor.js';
import { packParams, PARAM_WORDS } from './uniforms.js';

/** Bytes of uniform parameters each dispatch binds: the largest declared Params struct. */
export const PARAM_BYTES = PARAM_WORDS * 4;
const RING_SLOTS = 256;
const MAX_COMMANDS = 512;

export class Recorder {
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  private commands = 0;
  private readonly slotBytes: number;
  private readonly ring: GPUBuffer;
  private readonly ringHost: ArrayBuffer;
  private readonly ringU32: Uint32Array;
  private readonly ringF32: Float32Array;
  private slotsUsed = 0;
  private afterSubmit: GPUBuffer[] = [];
  /** Number of queue submits so far (for tests and diagnostics). */
  submits = 0;

  constructor(private readonly device: GPUDevice) {
    this.slotBytes = Math.max(256, device.limits.minUniformBufferOffsetAlignment);
    this.ring = device.createBuffer({ label: 'uniform ring', size: this.slotBytes * RING_SLOTS, usage: USAGE.UNIFORM | USAGE.COPY_DST });
    this.ringHost = new ArrayBuffer(this.slotBytes * RING_SLOTS);
    this.ringU32 = new Uint32Array(this.ringHost);
    this.ringF32 = new Float32Array(this.ringHost);
  }

  /** True when commands are recorded and not yet submitted. */
  get pending(): boolean {
    return this.encoder !== null;
  }

  private enc(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }

  /**
   * A uniform slot for one dispatch of `kernel`, holding `values` packed as its declaration says
   * (uniforms.ts); returns the binding to pass as the dispatch's binding 0.
   */
  params<K extends KernelName>(kernel: K, values: ParamValues<K>): GPUBufferBinding {
    if (this.slotsUsed === RING_SLOTS) this.submit();
    const offset = this.slotsUsed++ * this.slotBytes;
    packParams(kernel, values, this.ringU32, this.ringF32, offset / 4);
    this.enc();
    return { buffer: this.ring, offset, size: PARAM_BYTES };
  }

  dispatch(pipeline: GPUComputePipeline, resources: GPUBindingResource[], x: number, y = 1, z = 1): void {
    const bindGroup = this.device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: resources.map((resource, binding) => ({ binding, resource })),
    });
    this.pass ??= this.enc().beginComputePass();
    this.pass.setPipeline(pipeline);
    this.pass.setBindGroup(0, bindGroup);
    this.pass.dispatchWorkgroups(x, y, z);
    this.count();
  }

  copy(src: GPUBuffer, srcByte: number, dst: GPUBuffer, dstByte: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcByte, dst, dstByte, bytes);
    this.count();
  }

  clear(buffer: GPUBuffer, byte: number, bytes: number): void {
    if (bytes === 0) return;
    this.endPass();
    this.enc().clearBuffer(buffer, byte, bytes);
    this.count();
  }

  /** A temporary buffer: pass it to release() once its last use is recorded. */
  temp(bytes: number, usage: number, label = 'temp'): GPUBuffer {
    return this.device.createBuffer({ label, size: Math.max(16, Math.ceil(bytes / 16) * 16), usage });
  }

  /** Copies host bytes to `dst` at `dstByte`, in order with the recorded work. */
  upload(data: ArrayBufferView, dst: GPUBuffer, dstByte: number): void {
    const bytes = data.byteLength;
    if (bytes === 0) return;
    const padded = Math.ceil(bytes / 4) * 4;
    const staging = this.device.createBuffer({ label: 'upload', size: padded, usage: USAGE.COPY_SRC, mappedAtCreation: true });
    new Uint8Array(staging.getMappedRange()).set(new Uint8Array(data.buffer, data.byteOffset, bytes));
    staging.unmap();
    this.copy(staging, 0, dst, dstByte, padded);
    this.release(staging);
  }

  /** Destroys `buffer` once the work recorded so far is submitted (at once if nothing is pending). */
  release(buffer: GPUBuffer): void {
    if (this.encoder) this.afterSubmit.push(buffer);
    else buffer.destroy();
  }

  private count(): void {
    this.commands++;
  }

  /** Submits when many commands are pending; called between operations, never inside one. */
  maybeSubmit(): void {
    if (this.commands >= MAX_COMMANDS) this.submit();
  }

  submit(): void {
    this.endPass();
    if (this.encoder) {
      if (this.slotsUsed) this.device.queue.writeBuffer(this.ring, 0, this.ringHost, 0, this.slotsUsed * this.slotBytes);
      this.device.queue.submit([this.encoder.finish()]);
      this.submits++;
    }
    this.encoder = null;
    this.slotsUsed = 0;
    this.commands = 0;
    const done = this.afterSubmit;
    this.afterSubmit = [];
    for (const b of done) b.destroy();
  }

  destroy(): void {
    this.endPass();
    this.encoder = null;
    for (const b of this.afterSubmit) b.destroy();
    this.afterSubmit = [];
    this.ring.destroy();
  }
}
