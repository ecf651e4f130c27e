// broadcast: a row vector applied to every row of a rows × cols matrix, for `batch` matrices stored
// one after another (n = batch · rows · cols), batch entry b using the vector at vOffset + b·vStride:
//   out[b, r, c] = x[b, r, c] + v[vOffset + b * vStride + c]   (OP_ADD: bias)
//   out[b, r, c] = x[b, r, c] * v[vOffset + b * vStride + c]   (otherwise: mask, column scaling)
// INPLACE binds out once when it is x. Twin of assembly/broadcast.ts.
// A dispatch may cover a chunk: x/out bound at element `first`, V bound from batch entry b0's vector.

struct Params { n: u32, cols: u32, vOffset: u32, matrix: u32, vStride: u32, first: u32, b0: u32, pad0: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> V: array<f32>;
#if ${INPLACE}
@group(0) @binding(2) var<storage, read_write> O: array<f32>;
#else
@group(0) @binding(2) var<storage, read> X: array<f32>;
@group(0) @binding(3) var<storage, read_write> O: array<f32>;
#endif

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
#if ${INPLACE}
  let a = O[i];
#else
  let a = X[i];
#endif
  let e = p.first + i;
  let b = V[p.vOffset + (e / p.matrix - p.b0) * p.vStride + e % p.cols];
#if ${OP_ADD}
  O[i] = a + b;
#else
  O[i] = a * b;
#endif
}
