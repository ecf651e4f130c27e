// axpy: y <- alpha * x + y elementwise. Define INPLACE: x and y are the same tensor (y <- (alpha + 1) y
// computed as alpha * y + y, the same rounding as the general case).

struct Params { n: u32, alpha: f32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<uniform> p: Params;
#if ${INPLACE}
@group(0) @binding(1) var<storage, read_write> Y: array<f32>;
#else
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
#endif

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
#if ${INPLACE}
  let y = Y[i];
  Y[i] = p.alpha * y + y;
#else
  Y[i] = p.alpha * X[i] + Y[i];
#endif
}
