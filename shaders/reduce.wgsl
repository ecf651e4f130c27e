// reduce: sum of x, x.y (dot) or x.x (sumsq) in a fixed order, no float atomics, so a rerun gives
// the same bits. Two passes over one scratch buffer P:
//   FINAL false: workgroup g (of `groups`, laid out on x then y) sums elements g*256+l, stepping by
//                groups*256, per invocation l, then a tree in workgroup memory; writes P[g].
//   FINAL true:  one workgroup sums P[0..groups) the same way and writes P[groups].
// An x too large for one storage binding is reduced in chunks whose length is a multiple of
// groups*256: each invocation carries its running sum to the next chunk through Acc (CARRY_OUT
// stores it, CARRY_IN starts from it), so the additions happen in exactly the unchunked order.
// Defines: FINAL, OP_DOT, OP_SUMSQ (neither: sum), CARRY_IN, CARRY_OUT.

struct Params { n: u32, groups: u32, pad0: u32, pad1: u32 }

@group(0) @binding(0) var<uniform> p: Params;
#if ${FINAL}
@group(0) @binding(1) var<storage, read_write> P: array<f32>;
#else
@group(0) @binding(1) var<storage, read> X: array<f32>;
#if ${CARRY_OUT}
@group(0) @binding(2) var<storage, read_write> Acc: array<f32>;
#else
@group(0) @binding(2) var<storage, read_write> P: array<f32>;
#endif
#if ${OP_DOT}
@group(0) @binding(3) var<storage, read> Y: array<f32>;
#if ${CARRY_IN}
#if ${CARRY_OUT}
#else
@group(0) @binding(4) var<storage, read> Acc: array<f32>;
#endif
#endif
#else
#if ${CARRY_IN}
#if ${CARRY_OUT}
#else
@group(0) @binding(3) var<storage, read> Acc: array<f32>;
#endif
#endif
#endif
#endif

var<workgroup> sh: array<f32, 256>;

fn term(i: u32) -> f32 {
#if ${FINAL}
  return P[i];
#elif ${OP_DOT}
  return X[i] * Y[i];
#elif ${OP_SUMSQ}
  let v = X[i];
  return v * v;
#else
  return X[i];
#endif
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
#if ${FINAL}
  let count = p.groups;
  let stride = 256u;
  let start = li;
  var acc = 0.0;
#else
  let g = wid.y * nwg.x + wid.x;
  if (g >= p.groups) { return; }
  let count = p.n;
  let stride = p.groups * 256u;
  let start = g * 256u + li;
#if ${CARRY_IN}
  var acc = Acc[start];
#else
  var acc = 0.0;
#endif
#endif
  for (var i = start; i < count; i += stride) {
    acc += term(i);
  }
#if ${CARRY_OUT}
  Acc[start] = acc;
#else
  sh[li] = acc;
  workgroupBarrier();
  for (var s = 128u; s > 0u; s >>= 1u) {
    if (li < s) { sh[li] += sh[li + s]; }
    workgroupBarrier();
  }
  if (li == 0u) {
#if ${FINAL}
    P[p.groups] = sh[0];
#else
    P[g] = sh[0];
#endif
  }
#endif
}
