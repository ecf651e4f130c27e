// mul: out = x * y elementwise. WebGPU forbids one buffer in a writable and another binding of the
// same dispatch, so aliasing has variants: ALIAS 0 (distinct; x may equal y), 1 (out is x),
// 2 (out is y), 3 (out, x and y are one tensor).

struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> p: Params;
#if ${ALIAS_NONE}
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
#elif ${ALIAS_X}
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
@group(0) @binding(2) var<storage, read> Y: array<f32>;
#elif ${ALIAS_Y}
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
#else
@group(0) @binding(1) var<storage, read_write> O: array<f32>;
#endif

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
#if ${ALIAS_NONE}
  O[i] = X[i] * Y[i];
#elif ${ALIAS_X}
  O[i] = O[i] * Y[i];
#elif ${ALIAS_Y}
  O[i] = X[i] * O[i];
#else
  let v = O[i];
  O[i] = v * v;
#endif
}
