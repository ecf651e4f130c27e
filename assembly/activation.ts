/**
 * activation: y = σ(x) (derivative 0), σ'(x) (1) or σ''(x) (2, for Hessian-vector products)
 * elementwise over n f32 values; y may equal x. Derivatives are evaluated at the pre-activation x.
 * Twin of shaders/activation.wgsl.
 *
 * kind: 0 tanh, 1 relu, 2 sigmoid, 3 identity (the order of ACTIVATIONS in src/backend/backend.ts).
 * tanh and sigmoid are computed in f64 (correctly rounded to f32 within ½ ulp of the f64 value,
 * which is itself accurate to ~1 ulp), relu and identity are exact. relu'(0) = 0.
 */

// @ts-ignore: decorator
@inline const TANH: i32 = 0;
// @ts-ignore: decorator
@inline const RELU: i32 = 1;
// @ts-ignore: decorator
@inline const SIGMOID: i32 = 2;

export function activation(x: usize, y: usize, n: i32, kind: i32, derivative: i32): void {
  const end = x + (<usize>n << 2);
  if (derivative == 2) {
    secondDerivative(x, y, end, kind);
    return;
  }
  const d = derivative != 0;
  if (kind == TANH) {
    if (d) {
      for (; x < end; x += 4, y += 4) {
        const t = Math.tanh(<f64>load<f32>(x));
        store<f32>(y, <f32>(1.0 - t * t));
      }
    } else {
      for (; x < end; x += 4, y += 4) store<f32>(y, <f32>Math.tanh(<f64>load<f32>(x)));
    }
  } else if (kind == SIGMOID) {
    if (d) {
      for (; x < end; x += 4, y += 4) {
        const s = 1.0 / (1.0 + Math.exp(-<f64>load<f32>(x)));
        store<f32>(y, <f32>(s * (1.0 - s)));
      }
    } else {
      for (; x < end; x += 4, y += 4) store<f32>(y, <f32>(1.0 / (1.0 + Math.exp(-<f64>load<f32>(x)))));
    }
  } else if (kind == RELU) {
    // relu(x) = x > 0 ? x : 0; relu'(x) = x > 0 ? 1 : 0.
    if (ASC_FEATURE_SIMD) {
      const zero = f32x4.splat(0);
      const one = f32x4.splat(1);
      const end4 = x + (<usize>(n & ~3) << 2);
      for (; x < end4; x += 16, y += 16) {
        const v = v128.load(x);
        const gt = f32x4.gt(v, zero);
        v128.store(y, v128.and(gt, d ? one : v));
      }
    }
    for (; x < end; x += 4, y += 4) {
      const v = load<f32>(x);
      store<f32>(y, v > 0 ? (d ? <f32>1 : v) : <f32>0);
    }
  } else {
    // identity: y = x, y' = 1.
    if (d) {
      for (; x < end; x += 4, y += 4) store<f32>(y, 1);
    } else if (x != y) {
      memory.copy(y, x, <usize>n << 2);
    }
  }
}

/** σ'': tanh'' = −2·tanh·(1 − tanh²); sigmoid'' = σ'·(1 − 2σ) = −σ'·tanh(x/2); relu'' = identity'' = 0. */
function secondDerivative(x: usize, y: usize, end: usize, kind: i32): void {
  if (kind == TANH) {
    for (; x < end; x += 4, y += 4) {
      const t = Math.tanh(<f64>load<f32>(x));
      store<f32>(y, <f32>(-2.0 * t * (1.0 - t * t)));
    }
  } else if (kind == SIGMOID) {
    for (; x < end; x += 4, y += 4) {
      const v = <f64>load<f32>(x);
      const s = 1.0 / (1.0 + Math.exp(-v));
      store<f32>(y, <f32>(-s * (1.0 - s) * Math.tanh(0.5 * v)));
    }
  } else {
    memory.fill(y, 0, end - x);
  }
}
