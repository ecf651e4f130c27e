/**
 * A float64 MLP written plainly (loops, no kernels) as the oracle for the device model: loss,
 * gradient by back-propagation, and the same with explicit dropout multipliers per hidden layer.
 * Layout as docs/architecture.md §4: per layer W (out × in, row-major) then b.
 */
import type { Activation } from 'dropout-sme';
import { activationRef } from './reference.js';

export interface RefNet {
  sizes: number[];
  activation: Activation;
  bias: boolean;
  loss: 'mse' | 'xent';
}

/** Per hidden layer l: η as an array of length width (shared) or n × width (per sample). */
export type RefMasks = Float64Array[] | null;

interface Offsets { w: number; b: number }

function offsets(net: RefNet): Offsets[] {
  const out: Offsets[] = [];
  let o = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) {
    const w = o;
    o += net.sizes[l]! * net.sizes[l + 1]!;
    const b = net.bias ? o : -1;
    if (net.bias) o += net.sizes[l + 1]!;
    out.push({ w, b });
  }
  return out;
}

export function paramCount(net: RefNet): number {
  let d = 0;
  for (let l = 0; l + 1 < net.sizes.length; l++) d += net.sizes[l]! * net.sizes[l + 1]! + (net.bias ? net.sizes[l + 1]! : 0);
  return d;
}

/** Loss and gradient in float64. masks[l] has width entries (shared) or n·width (per sample). */
export function refLossGrad(net: RefNet, theta: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, n: number, masks: RefMasks = null): { loss: number; grad: Float64Array } {
  const L = net.sizes.length - 1;
  const offs = offsets(net);
  const grad = new Float64Array(paramCount(net));
  let loss = 0;
  for (let i = 0; i < n; i++) {
    // forward, keeping pre-activations and layer inputs
    const inputs: Float64Array[] = [Float64Array.from({ length: net.sizes[0]! }, (_, j) => x[i * net.sizes[0]! + j]!)];
    const pres: Float64Array[] = [];
    for (let l = 0; l < L; l++) {
      const inD = net.sizes[l]!, outD = net.sizes[l + 1]!, a = inputs[l]!;
      const pre = new Float64Array(outD);
      for (let o = 0; o < outD; o++) {
        let s = net.bias ? theta[offs[l]!.b + o]! : 0;
        for (let j = 0; j < inD; j++) s += theta[offs[l]!.w + o * inD + j]! * a[j]!;
        pre[o] = s;
      }
      pres.push(pre);
      if (l < L - 1) {
        const h = new Float64Array(outD);
        for (let o = 0; o < outD; o++) {
          const eta = masks ? (masks[l]!.length === outD ? masks[l]![o]! : masks[l]![i * outD + o]!) : 1;
          h[o] = activationRef(net.activation, pre[o]!, false) * eta;
        }
        inputs.push(h);
      }
    }
    const out = pres[L - 1]!, c = out.length;
    let d = new Float64Array(c);
    if (net.loss === 'mse') {
      for (let o = 0; o < c; o++) {
        const r = out[o]! - y[i * c + o]!;
        loss += (r * r) / (2 * n);
        d[o] = r / n;
      }
    } else {
      const mx = Math.max(...out);
      let z = 0;
      for (let o = 0; o < c; o++) z += Math.exp(out[o]! - mx);
      for (let o = 0; o < c; o++) {
        const p = Math.exp(out[o]! - mx) / z;
        loss -= (y[i * c + o]! * (out[o]! - mx - Math.log(z))) / n;
        d[o] = (p - y[i * c + o]!) / n;
      }
    }
    for (let l = L - 1; l >= 0; l--) {
      const inD = net.sizes[l]!, outD = net.sizes[l + 1]!, a = inputs[l]!;
      for (let o = 0; o < outD; o++) {
        for (let j = 0; j < inD; j++) grad[offs[l]!.w + o * inD + j]! += d[o]! * a[j]!;
        if (net.bias) grad[offs[l]!.b + o]! += d[o]!;
      }
      if (l === 0) break;
      const g = new Float64Array(inD);
      for (let j = 0; j < inD; j++) {
        let s = 0;
        for (let o = 0; o < outD; o++) s += d[o]! * theta[offs[l]!.w + o * inD + j]!;
        const eta = masks ? (masks[l - 1]!.length === inD ? masks[l - 1]![j]! : masks[l - 1]![i * inD + j]!) : 1;
        g[j] = s * eta * activationRef(net.activation, pres[l - 1]![j]!, true);
      }
      d = g;
    }
  }
  return { loss, grad };
}

/**
 * E_η over all 2^m shared masks of one hidden layer of width m (each unit kept with probability p,
 * η = B/p): the exact modified loss and its gradient, by enumeration.
 */
export function enumerateModified(net: RefNet, theta: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, n: number, keep: number): { loss: number; grad: Float64Array } {
  let loss = 0;
  const grad = new Float64Array(paramCount(net));
  forEachMask(net.sizes[1]!, keep, (eta, prob) => {
    if (prob === 0) return;
    const r = refLossGrad(net, theta, x, y, n, [eta]);
    loss += prob * r.loss;
    for (let i = 0; i < grad.length; i++) grad[i]! += prob * r.grad[i]!;
  });
  return { loss, grad };
}

/** Calls fn(η, P(η)) for each of the 2^m masks of m units kept with probability `keep` (η = B/p). */
function forEachMask(m: number, keep: number, fn: (eta: Float64Array, prob: number) => void): void {
  for (let bits = 0; bits < 1 << m; bits++) {
    let prob = 1;
    const eta = new Float64Array(m);
    for (let u = 0; u < m; u++) {
      const kept = (bits >> u) & 1;
      prob *= kept ? keep : 1 - keep;
      eta[u] = kept ? 1 / keep : 0;
    }
    fn(eta, prob);
  }
}

/** Exact mean and covariance (D × D) of ∇R_S^drop over all 2^m shared masks of one hidden layer. */
export function exactNoise(net: RefNet, theta: ArrayLike<number>, x: ArrayLike<number>, y: ArrayLike<number>, n: number, keep: number): { mean: Float64Array; cov: Float64Array } {
  const grads: Float64Array[] = [], probs: number[] = [];
  forEachMask(net.sizes[1]!, keep, (eta, prob) => {
    grads.push(refLossGrad(net, theta, x, y, n, [eta]).grad);
    probs.push(prob);
  });
  const d = grads[0]!.length, mean = new Float64Array(d), cov = new Float64Array(d * d);
  grads.forEach((g, j) => g.forEach((v, i) => { mean[i]! += probs[j]! * v; }));
  grads.forEach((g, j) => {
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) cov[a * d + b]! += probs[j]! * (g[a]! - mean[a]!) * (g[b]! - mean[b]!);
  });
  return { mean, cov };
}
