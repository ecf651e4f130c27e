/**
 * The device's ceilings for WebGPU, measured in the same run as bench/peers-gpu.bench.ts's rows (a
 * data sheet's peak is not what WGSL through Dawn reaches, and the bench reports fractions of what
 * is reachable). Not a bench entry ('_' prefix).
 *
 *   compute    float32 multiply-add throughput: every invocation runs 8 independent vec4 chains
 *              a ← fma(a, x, y) (the GEMM's accumulate without its loads; 8 chains cover an FMA's
 *              latency, and the device's many resident workgroups do the rest), 64 flops an
 *              iteration, over enough workgroups to fill any current GPU;
 *   bandwidth  a vec4 copy between two device buffers (bytes read + bytes written), each
 *              invocation striding over the buffer, so every memory channel is busy.
 *
 * Timing: a sample submits `reps` dispatches and waits for queue.onSubmittedWorkDone() (wall
 * time: the few tenths of a millisecond of submit and wake-up are below 1 % of a ≥ 50 ms sample).
 * The sizes are calibrated so a sample lasts about TARGET_MS; the best of SAMPLES is reported, a
 * ceiling being the rate reached when nothing disturbs it.
 */

const TARGET_MS = 60;
const SAMPLES = 7;
const WG = 256;

const FMA_WGSL = /* wgsl */ `
struct Params { iterations: u32, p0: u32, p1: u32, p2: u32 }
@group(0) @binding(0) var<storage, read_write> out: array<vec4<f32>>;
@group(0) @binding(1) var<uniform> params: Params;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let i = gid.x + gid.y * groups.x * ${WG}u;
  // Per-invocation values, so nothing folds to a constant; x < 1 keeps every chain bounded.
  let s = f32(i & 1023u) * 1e-7;
  let x = vec4<f32>(0.9999 - s, 0.9998 - s, 0.9997 - s, 0.9996 - s);
  let y = vec4<f32>(1e-6 + s);
  var a0 = vec4<f32>(s); var a1 = a0 + 0.1; var a2 = a0 + 0.2; var a3 = a0 + 0.3;
  var a4 = a0 + 0.4; var a5 = a0 + 0.5; var a6 = a0 + 0.6; var a7 = a0 + 0.7;
  for (var t = 0u; t < params.iterations; t++) {
    a0 = fma(a0, x, y); a1 = fma(a1, x, y); a2 = fma(a2, x, y); a3 = fma(a3, x, y);
    a4 = fma(a4, x, y); a5 = fma(a5, x, y); a6 = fma(a6, x, y); a7 = fma(a7, x, y);
  }
  // One store per invocation (the buffer holds one vec4 per invocation of the first row).
  out[i % arrayLength(&out)] = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7));
}`;

const COPY_WGSL = /* wgsl */ `
@group(0) @binding(0) var<storage, read> src: array<vec4<f32>>;
@group(0) @binding(1) var<storage, read_write> dst: array<vec4<f32>>;
@compute @workgroup_size(${WG})
fn main(@builtin(global_invocation_id) gid: vec3<u32>, @builtin(num_workgroups) groups: vec3<u32>) {
  let stride = groups.x * ${WG}u;
  for (var i = gid.x; i < arrayLength(&src); i += stride) { dst[i] = src[i]; }
}`;

export interface GpuCeiling {
  /** float32 multiply-add throughput, GFLOP/s (2 flops a multiply-add). */
  gflops: number;
  /** Device-memory copy bandwidth, GB/s (bytes read + written). */
  gbps: number;
  /** What was dispatched, for the report. */
  detail: string;
}

/** Wall milliseconds of `reps` dispatches of `pass` in one submit, until the queue is done. */
async function timeDispatches(device: GPUDevice, reps: number, pass: (p: GPUComputePassEncoder) => void): Promise<number> {
  const enc = device.createCommandEncoder();
  const p = enc.beginComputePass();
  for (let r = 0; r < reps; r++) pass(p);
  p.end();
  const t0 = performance.now();
  device.queue.submit([enc.finish()]);
  await device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

/** Best rate (units per ms) over SAMPLES samples of `reps` dispatches, after calibrating reps to TARGET_MS. */
async function bestRate(device: GPUDevice, unitsPerDispatch: number, pass: (p: GPUComputePassEncoder) => void, samples: number): Promise<number> {
  await timeDispatches(device, 1, pass); // compile and warm
  let reps = 1, ms = await timeDispatches(device, reps, pass);
  while (ms < TARGET_MS / 4 && reps < 1 << 16) {
    reps *= 4;
    ms = await timeDispatches(device, reps, pass);
  }
  reps = Math.max(1, Math.round((reps * TARGET_MS) / Math.max(ms, 1e-3)));
  let best = 0;
  for (let s = 0; s < samples; s++) best = Math.max(best, (reps * unitsPerDispatch) / (await timeDispatches(device, reps, pass)));
  return best;
}

/**
 * Measures both ceilings on `device`. `software`: a CPU emulation (SwiftShader, lavapipe), where
 * smaller dispatches keep the measurement to seconds (its figures describe the emulation only).
 */
export async function measureGpuCeiling(device: GPUDevice, software: boolean, quick = false): Promise<GpuCeiling> {
  const samples = quick ? 3 : SAMPLES;
  const maxX = device.limits.maxComputeWorkgroupsPerDimension;
  // Compute: 8192 workgroups of 256 (2M invocations: many per SM on any GPU), 2048 iterations.
  const groups = software ? 16 : 8192, iterations = software ? 64 : 2048;
  const gx = Math.min(groups, maxX), gy = Math.ceil(groups / gx);
  const fma = device.createShaderModule({ code: FMA_WGSL, label: 'fma peak' });
  const fmaPipe = device.createComputePipeline({ layout: 'auto', compute: { module: fma, entryPoint: 'main' }, label: 'fma peak' });
  const out = device.createBuffer({ size: gx * WG * 16, usage: GPUBufferUsage.STORAGE });
  const uni = device.createBuffer({ size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uni, 0, new Uint32Array([iterations, 0, 0, 0]));
  const fmaBind = device.createBindGroup({ layout: fmaPipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }, { binding: 1, resource: { buffer: uni } }] });
  const flopsPerDispatch = gx * gy * WG * iterations * 64;
  const flopsPerMs = await bestRate(device, flopsPerDispatch, (p) => {
    p.setPipeline(fmaPipe);
    p.setBindGroup(0, fmaBind);
    p.dispatchWorkgroups(gx, gy);
  }, samples);

  // Bandwidth: two buffers of up to 256 MiB (within the binding limit), 4096 workgroups striding.
  const limit = Math.min(device.limits.maxStorageBufferBindingSize, device.limits.maxBufferSize);
  const bytes = Math.floor(Math.min(software ? 16 << 20 : 256 << 20, limit) / 16) * 16;
  const src = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const dst = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE });
  const copy = device.createShaderModule({ code: COPY_WGSL, label: 'copy bandwidth' });
  const copyPipe = device.createComputePipeline({ layout: 'auto', compute: { module: copy, entryPoint: 'main' }, label: 'copy bandwidth' });
  const copyBind = device.createBindGroup({ layout: copyPipe.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: src } }, { binding: 1, resource: { buffer: dst } }] });
  const copyGroups = Math.min(software ? 64 : 4096, maxX);
  const bytesPerMs = await bestRate(device, 2 * bytes, (p) => {
    p.setPipeline(copyPipe);
    p.setBindGroup(0, copyBind);
    p.dispatchWorkgroups(copyGroups);
  }, samples);
  for (const b of [out, uni, src, dst]) b.destroy();
  return {
    gflops: flopsPerMs / 1e6,
    gbps: bytesPerMs / 1e6,
    detail: `fma: ${gx * gy} workgroups × ${WG} × ${iterations} iterations × 64 flops; copy: 2 × ${(bytes / 2 ** 20).toFixed(0)} MiB, ${copyGroups} workgroups`,
  };
}
