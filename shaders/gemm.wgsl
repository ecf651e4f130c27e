// gemm: C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b], row-major, for b in the dispatch's batch
// chunk (workgroup id z). Each workgroup computes a TILE x TILE tile of C (TILE = 64, or 32 / 16
// for small matrices); each of its (TILE/4)^2 invocations keeps a 4x4 block in registers. A and B
// tiles of depth 16 are staged in workgroup memory.
// Each stored matrix has a leading dimension (lda, ldb, ldc: elements between its stored rows), so a
// dispatch may compute a block of a larger product (rows, columns or a slab of k of each matrix).
// Defines: TILE (16, 32 or 64), TRANS_A, TRANS_B (op = transpose), VEC_A, VEC_B, VEC_C (vec4
// loads/stores: that matrix's leading dimension, offset, batch stride and stored row length within
// the dispatch are multiples of 4).
// Zero padding outside the matrices makes every shape correct; beta = 0 never reads C.

struct Params {
  m: u32, n: u32, k: u32, betaZero: u32,
  strideA: u32, strideB: u32, strideC: u32, batch0: u32,
  offA: u32, offB: u32, offC: u32, tileX0: u32,
  alpha: f32, beta: f32, tileY0: u32, lda: u32,
  ldb: u32, ldc: u32, pad0: u32, pad1: u32,
}

const TILE: u32 = ${TILE}u;
const TQ: u32 = TILE / 4u;          // invocations per tile side; also vec4s per tile row
const NT: u32 = TQ * TQ;            // invocations per workgroup
const CHUNKS: u32 = TILE * TK / 4u; // vec4 chunks in one staged tile
const TK: u32 = 16u;

@group(0) @binding(0) var<uniform> p: Params;
#if ${VEC_A}
@group(0) @binding(1) var<storage, read> A: array<vec4<f32>>;
#else
@group(0) @binding(1) var<storage, read> A: array<f32>;
#endif
#if ${VEC_B}
@group(0) @binding(2) var<storage, read> B: array<vec4<f32>>;
#else
@group(0) @binding(2) var<storage, read> B: array<f32>;
#endif
#if ${VEC_C}
@group(0) @binding(3) var<storage, read_write> C: array<vec4<f32>>;
#else
@group(0) @binding(3) var<storage, read_write> C: array<f32>;
#endif

// As[k][i / 4][i % 4] = op(A)[row0 + i][k0 + k]; Bs[k][j / 4][j % 4] = op(B)[k0 + k][col0 + j].
var<workgroup> As: array<array<vec4<f32>, TQ>, TK>;
var<workgroup> Bs: array<array<vec4<f32>, TQ>, TK>;

// Four consecutive elements of A starting at element e; `lim` = how many of them exist (0..4).
fn loadA4(e: u32, lim: u32) -> vec4<f32> {
#if ${VEC_A}
  if (lim >= 4u) { return A[e / 4u]; }
  return vec4<f32>(0.0);
#else
  var v = vec4<f32>(0.0);
  for (var c = 0u; c < 4u; c++) { if (c < lim) { v[c] = A[e + c]; } }
  return v;
#endif
}

fn loadB4(e: u32, lim: u32) -> vec4<f32> {
#if ${VEC_B}
  if (lim >= 4u) { return B[e / 4u]; }
  return vec4<f32>(0.0);
#else
  var v = vec4<f32>(0.0);
  for (var c = 0u; c < 4u; c++) { if (c < lim) { v[c] = B[e + c]; } }
  return v;
#endif
}

fn avail(start: u32, end: u32) -> u32 {
  if (start >= end) { return 0u; }
  return min(end - start, 4u);
}

@compute @workgroup_size(TQ, TQ, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  let M = p.m;
  let N = p.n;
  let K = p.k;
  let b = wid.z + p.batch0;
  let row0 = (wid.y + p.tileY0) * TILE;
  let col0 = (wid.x + p.tileX0) * TILE;
  let baseA = p.offA + b * p.strideA;
  let baseB = p.offB + b * p.strideB;
  let baseC = p.offC + b * p.strideC;
  let tx = lid.x;
  let ty = lid.y;
  let tid = ty * TQ + tx;

  var acc0 = vec4<f32>(0.0);
  var acc1 = vec4<f32>(0.0);
  var acc2 = vec4<f32>(0.0);
  var acc3 = vec4<f32>(0.0);

  for (var k0 = 0u; k0 < K; k0 += TK) {
    // Stage op(A) tile: TILE rows x 16 k, in chunks of four elements.
    for (var l = tid; l < CHUNKS; l += NT) {
#if ${TRANS_A}
      // A stored K x lda: contiguous along rows of op(A).
      let kr = l / TQ;
      let iq = (l % TQ) * 4u;
      let gk = k0 + kr;
      let gi = row0 + iq;
      var lim = 0u;
      if (gk < K) { lim = avail(gi, M); }
      As[kr][iq / 4u] = loadA4(baseA + gk * p.lda + gi, lim);
#else
      // A stored M x lda: contiguous along k.
      let r = l / 4u;
      let kq = (l % 4u) * 4u;
      let gi = row0 + r;
      let gk = k0 + kq;
      var lim = 0u;
      if (gi < M) { lim = avail(gk, K); }
      let v = loadA4(baseA + gi * p.lda + gk, lim);
      As[kq][r / 4u][r % 4u] = v.x;
      As[kq + 1u][r / 4u][r % 4u] = v.y;
      As[kq + 2u][r / 4u][r % 4u] = v.z;
      As[kq + 3u][r / 4u][r % 4u] = v.w;
#endif
    }
    // Stage op(B) tile: 16 k x TILE columns.
    for (var l = tid; l < CHUNKS; l += NT) {
#if ${TRANS_B}
      // B stored N x ldb: contiguous along k.
      let r = l / 4u;
      let kq = (l % 4u) * 4u;
      let gj = col0 + r;
      let gk = k0 + kq;
      var lim = 0u;
      if (gj < N) { lim = avail(gk, K); }
      let v = loadB4(baseB + gj * p.ldb + gk, lim);
      Bs[kq][r / 4u][r % 4u] = v.x;
      Bs[kq + 1u][r / 4u][r % 4u] = v.y;
      Bs[kq + 2u][r / 4u][r % 4u] = v.z;
      Bs[kq + 3u][r / 4u][r % 4u] = v.w;
#else
      // B stored K x ldb: contiguous along columns.
      let kr = l / TQ;
      let jq = (l % TQ) * 4u;
      let gk = k0 + kr;
      let gj = col0 + jq;
      var lim = 0u;
      if (gk < K) { lim = avail(gj, N); }
      Bs[kr][jq / 4u] = loadB4(baseB + gk * p.ldb + gj, lim);
#endif
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let a = As[kk][ty];
      let bv = Bs[kk][tx];
      acc0 += a.x * bv;
      acc1 += a.y * bv;
      acc2 += a.z * bv;
      acc3 += a.w * bv;
    }
    workgroupBarrier();
  }

  let gj = col0 + tx * 4u;
  if (gj >= N) { return; }
  let lim = min(N - gj, 4u);
  for (var r = 0u; r < 4u; r++) {
    let gi = row0 + ty * 4u + r;
    if (gi >= M) { break; }
    var acc: vec4<f32>;
    switch r {
      case 0u: { acc = acc0; }
      case 1u: { acc = acc1; }
      case 2u: { acc = acc2; }
      default: { acc = acc3; }
    }
    let e = baseC + gi * p.ldc + gj;
#if ${VEC_C}
    var v = p.alpha * acc;
    if (p.betaZero == 0u) { v += p.beta * C[e / 4u]; }
    C[e / 4u] = v;
#else
    for (var c = 0u; c < lim; c++) {
      var v = p.alpha * acc[c];
      if (p.betaZero == 0u) { v += p.beta * C[e + c]; }
      C[e + c] = v;
    }
#endif
  }
}
