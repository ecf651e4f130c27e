// softmax_xent: row-wise softmax cross-entropy of rows × cols logits against targets t:
//   grad[r, c] = softmax(logits[r])_c − t[r, c]
//   loss[r]    = −Σ_c t[r, c] · (logits[r, c] − max_r − log Σ_c' exp(logits[r, c'] − max_r))
// One invocation per row; shifting by the row maximum keeps exp from overflowing.
// Twin of assembly/softmax_xent.ts. A dispatch may cover a chunk of rows: row r of the chunk starts
// at element `off` + r·cols of the bound L/T/G ranges and writes LOSS[lossOff + r].

struct Params { rows: u32, cols: u32, off: u32, lossOff: u32 }

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read> L: array<f32>;
@group(0) @binding(2) var<storage, read> T: array<f32>;
@group(0) @binding(3) var<storage, read_write> G: array<f32>;
@group(0) @binding(4) var<storage, read_write> LOSS: array<f32>;

@compute @workgroup_size(64, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let r = (wid.y * nwg.x + wid.x) * 64u + li;
  if (r >= p.rows) { return; }
  let row = p.off + r * p.cols;
  var mx = L[row];
  for (var c = 1u; c < p.cols; c++) { mx = max(mx, L[row + c]); }
  var z = 0.0;
  for (var c = 0u; c < p.cols; c++) { z += exp(L[row + c] - mx); }
  let logZ = log(z);
  var loss = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let s = L[row + c] - mx - logZ;
    let t = T[row + c];
    G[row + c] = exp(s) - t;
    loss -= t * s;
  }
  LOSS[p.lossOff + r] = loss;
}
