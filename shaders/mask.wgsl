// mask: dropout masks from the counter-based generator of src/random/counter-hash.ts, bit for bit.
// out[s * units + u] = invKeep if (counterHash(seed, step, layer, unitOffset + u, sampleOffset + s)
// >> 1) < threshold, else 0; threshold = floor(keep * 2^31), invKeep = f32(1 / keep) passed as bits.
// A dispatch may cover a chunk: element `first + i` of the whole mask goes to O[i] (O bound at the
// chunk). All arithmetic is u32 with wrap-around, exactly as Math.imul / >>> 0 in the reference.

struct Params {
  seed: u32, step: u32, layer: u32, units: u32,
  total: u32, unitOffset: u32, sampleOffset: u32, threshold: u32,
  invKeepBits: u32, first: u32, pad0: u32, pad1: u32,
}

@group(0) @binding(0) var<uniform> p: Params;
@group(0) @binding(1) var<storage, read_write> O: array<f32>;

fn fmix32(h0: u32) -> u32 {
  var h = h0;
  h ^= h >> 16u;
  h *= 0x85ebca6bu;
  h ^= h >> 13u;
  h *= 0xc2b2ae35u;
  h ^= h >> 16u;
  return h;
}

fn fold(h: u32, x: u32) -> u32 {
  return fmix32(h ^ (x * 0x9e3779b1u + 0x7f4a7c15u));
}

fn counterHash(seed: u32, step: u32, layer: u32, unit: u32, sample: u32) -> u32 {
  var h = fmix32(seed + 0x6a09e667u);
  h = fold(h, step);
  h = fold(h, layer);
  h = fold(h, unit);
  h = fold(h, sample);
  return h;
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.total) { return; }
  let e = p.first + i;
  let s = e / p.units;
  let u = e - s * p.units;
  let h = counterHash(p.seed, p.step, p.layer, p.unitOffset + u, p.sampleOffset + s);
  O[i] = select(0.0, bitcast<f32>(p.invKeepBits), (h >> 1u) < p.threshold);
}
