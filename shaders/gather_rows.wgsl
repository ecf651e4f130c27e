// gather_rows: dst[i * cols + c] = src[index[i] * cols + c] for i < rows (mini-batch selection).
// Words are copied as u32, so f32 and u32 tensors share the kernel; an index ≥ srcRows gives a
// zero row instead of an out-of-bounds read. Twin of assembly/gather_rows.ts.

struct Params { n: u32, cols: u32, srcRows: u32, pad: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<u32>;
@group(0) @binding(2) var<storage, read> I: array<u32>;
@group(0) @binding(3) var<storage, read_write> D: array<u32>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
  let row = i / p.cols;
  let j = I[row];
  if (j < p.srcRows) {
    D[i] = S[j * p.cols + i % p.cols];
  } else {
    D[i] = 0u;
  }
}
