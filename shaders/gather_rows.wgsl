// gather_rows: dst[i * cols + c] = src[index[i] * cols + c] for i < rows (mini-batch selection).
// Words are copied as u32, so f32 and u32 tensors share the kernel; an index ≥ srcRows gives a
// zero row instead of an out-of-bounds read. Twin of assembly/gather_rows.ts.
// Large tensors are split: a dispatch writes D's elements [first, first + n) (D bound there), reads
// index rows from iLo on, and copies only source rows in [sLo, sHi) (S bound from row sLo, at
// element sOff); the zero rows are written by the dispatch with zero = 1.

struct Params { n: u32, cols: u32, srcRows: u32, first: u32, iLo: u32, sLo: u32, sHi: u32, sOff: u32, zero: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> S: array<u32>;
@group(0) @binding(2) var<storage, read> I: array<u32>;
@group(0) @binding(3) var<storage, read_write> D: array<u32>;

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
  let e = p.first + i;
  let row = e / p.cols;
  let j = I[row - p.iLo];
  if (j >= p.srcRows) {
    if (p.zero == 1u) { D[i] = 0u; }
  } else if (j >= p.sLo && j < p.sHi) {
    D[i] = S[p.sOff + (j - p.sLo) * p.cols + e % p.cols];
  }
}
