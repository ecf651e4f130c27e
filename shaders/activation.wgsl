// activation: y = sigma(x), sigma'(x) or sigma''(x) elementwise, sigma in {tanh, relu, sigmoid,
// identity}. Defines: KIND_*, DERIV (first derivative), DERIV2 (second), INPLACE (y is x).
// tanh and sigmoid avoid WGSL's builtin tanh (imprecise or NaN for large |x| on some drivers):
// they use exp(-2|x|) or exp(-|x|), which never overflows, and a minimax polynomial near 0.

struct Params { n: u32, pad0: u32, pad1: u32, pad2: u32 }

@group(0) @binding(0) var<uniform> p: Params;
#if ${INPLACE}
@group(0) @binding(1) var<storage, read_write> X: array<f32>;
#else
@group(0) @binding(1) var<storage, read> X: array<f32>;
@group(0) @binding(2) var<storage, read_write> Y: array<f32>;
#endif

// tanh(x) for |x| <= 0.625 (Cephes tanhf polynomial, relative error ~ 1 ulp).
fn tanhSmall(x: f32) -> f32 {
  let s = x * x;
  let poly = ((((-5.70498872745e-3 * s + 2.06390887954e-2) * s - 5.37397155531e-2) * s
    + 1.33314422036e-1) * s - 3.33332819422e-1);
  return x + x * s * poly;
}

fn tanhF(x: f32) -> f32 {
  let ax = abs(x);
  if (ax <= 0.625) { return tanhSmall(x); }
  let e = exp(-2.0 * ax);
  let t = 1.0 - 2.0 * e / (1.0 + e);
  return select(t, -t, x < 0.0);
}

fn tanhDeriv(x: f32) -> f32 {
  let ax = abs(x);
  if (ax <= 0.625) { let t = tanhSmall(x); return 1.0 - t * t; }
  // 1 - tanh^2 = 4 e / (1 + e)^2 with e = exp(-2|x|): no cancellation for large |x|.
  let e = exp(-2.0 * ax);
  let d = 1.0 + e;
  return 4.0 * e / (d * d);
}

fn sigmoidF(x: f32) -> f32 {
  let e = exp(-abs(x));
  let r = 1.0 / (1.0 + e);
  return select(r, e * r, x < 0.0);
}

fn sigmoidDeriv(x: f32) -> f32 {
  let e = exp(-abs(x));
  let d = 1.0 + e;
  return e / (d * d);
}

// tanh'' = -2 tanh (1 - tanh^2); sigmoid'' = sigma' (1 - 2 sigma) = -sigma' tanh(x/2).
fn tanhDeriv2(x: f32) -> f32 { return -2.0 * tanhF(x) * tanhDeriv(x); }
fn sigmoidDeriv2(x: f32) -> f32 { return -sigmoidDeriv(x) * tanhF(0.5 * x); }

fn act(x: f32) -> f32 {
#if ${DERIV2}
#if ${KIND_TANH}
  return tanhDeriv2(x);
#elif ${KIND_SIGMOID}
  return sigmoidDeriv2(x);
#else
  return 0.0;
#endif
#elif ${KIND_TANH}
#if ${DERIV}
  return tanhDeriv(x);
#else
  return tanhF(x);
#endif
#elif ${KIND_RELU}
#if ${DERIV}
  return select(0.0, 1.0, x > 0.0);
#else
  return select(0.0, x, x > 0.0);
#endif
#elif ${KIND_SIGMOID}
#if ${DERIV}
  return sigmoidDeriv(x);
#else
  return sigmoidF(x);
#endif
#else
#if ${DERIV}
  return 1.0;
#else
  return x;
#endif
#endif
}

@compute @workgroup_size(256, 1, 1)
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) li: u32) {
  let i = (wid.y * nwg.x + wid.x) * 256u + li;
  if (i >= p.n) { return; }
#if ${INPLACE}
  X[i] = act(X[i]);
#else
  Y[i] = act(X[i]);
#endif
}
