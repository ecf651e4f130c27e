/**
 * Hessian-vector products (R-operator) against central finite differences of the float64 oracle's
 * gradient, for R_S (mse, xent; tanh, sigmoid, relu), for R_S^drop with a fixed mask, and for L_S
 * (against finite differences of the enumerated ∇L_S).
 *
 * Tolerance: |Hv − ref| ≤ 5e-5·max|ref| + 1e-6. The R pass chains one more f32 reduction level
 * than the gradient (whose bound is 2e-5, test/model/mlp.test.ts); the oracle's central
 * differences with h = 1e-5 in float64 are accurate to ~1e-9.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { counterHash, maskValue, type Engine } from 'dropout-sme';
import { enumerateModified, refLossGrad, type RefNet } from '../helpers/mlp-reference.js';
import { randomF32 } from '../helpers/random.js';
import { assertWithin } from '../helpers/compare.js';
import { present, testEngines } from '../helpers/engines.js';

const engines = await testEngines();

/** (∇f(θ + hv) − ∇f(θ − hv)) / 2h in float64. */
function fdHvp(grad: (t: Float64Array) => Float64Array, theta: ArrayLike<number>, v: ArrayLike<number>, h = 1e-5): Float64Array {
  const tp = Float64Array.from(theta, (t, i) => t + h * v[i]!), tm = Float64Array.from(theta, (t, i) => t - h * v[i]!);
  const gp = grad(tp), gm = grad(tm);
  return gp.map((g, i) => (g - gm[i]!) / (2 * h));
}

function bound(ref: ArrayLike<number>): number {
  let mx = 0;
  for (let i = 0; i < ref.length; i++) mx = Math.max(mx, Math.abs(ref[i]!));
  return 5e-5 * mx + 1e-6;
}

for (const engine of present(engines)) {
  const s = suite(`${engine.backend} Hessian-vector products`);

  s('H_{R_S}·v matches finite differences (mse/xent, tanh/sigmoid/relu, deep)', async () => {
    const configs: RefNet[] = [
      { sizes: [3, 6, 5, 2], activation: 'tanh', bias: true, loss: 'mse' },
      { sizes: [4, 7, 3], activation: 'sigmoid', bias: true, loss: 'xent' },
      { sizes: [3, 8, 2], activation: 'relu', bias: false, loss: 'mse' },
    ];
    for (const [ci, net] of configs.entries()) {
      const n = 10, d = net.sizes[0]!, c = net.sizes[net.sizes.length - 1]!;
      const x = randomF32(n * d, 70 + ci, 1.5);
      let y = randomF32(n * c, 80 + ci);
      if (net.loss === 'xent') y = Float32Array.from({ length: n * c }, (_, i) => ((i % c) === (Math.floor(i / c) % c) ? 1 : 0));
      const model = engine.mlp({ sizes: net.sizes, activation: net.activation, bias: net.bias, loss: net.loss, seed: ci });
      const data = engine.dataset({ x, y, n, inDim: d, outDim: c });
      const theta = await model.getParams();
      const v = randomF32(model.size, 90 + ci);
      const ref = fdHvp((t) => refLossGrad(net, t, x, y, n).grad, theta, v);
      assertWithin(`${net.sizes.join('-')} ${net.activation} ${net.loss}`, await model.hvp(data, v), ref, bound(ref));
      model.dispose();
      data.dispose();
    }
  });

  s('H of the dropout loss with a fixed mask, and of L_S, match finite differences', async () => {
    const net: RefNet = { sizes: [2, 6, 2], activation: 'tanh', bias: true, loss: 'mse' };
    const n = 8, keep = 0.7;
    const x = randomF32(n * 2, 101, 2), y = randomF32(n * 2, 102);
    const model = engine.mlp({ sizes: net.sizes, keep, seed: 5 });
    const data = engine.dataset({ x, y, n, inDim: 2, outDim: 2 });
    const theta = await model.getParams();
    const v = randomF32(model.size, 103);
    const thr = Math.floor(keep * 2 ** 31), inv = Math.fround(1 / keep);
    const eta = Float64Array.from({ length: 6 }, (_, u) => maskValue(counterHash(4, 9, 0, u, 0), thr, inv));
    const refDrop = fdHvp((t) => refLossGrad(net, t, x, y, n, [eta]).grad, theta, v);
    assertWithin('H_drop·v', await model.hvp(data, v, { of: { seed: 4, step: 9 } }), refDrop, bound(refDrop));
    const refMod = fdHvp((t) => enumerateModified(net, t, x, y, n, keep).grad, theta, v);
    assertWithin('H_{L_S}·v', await model.hvp(data, v, { of: 'modified' }), refMod, bound(refMod));
    // H_{L_S} = E_η H_drop: the modified Hessian is not the plain one when p < 1.
    const plain = await model.hvp(data, v, { of: 'loss' });
    let gap = 0;
    for (let i = 0; i < plain.length; i++) gap = Math.max(gap, Math.abs(plain[i]! - refMod[i]!));
    assert.ok(gap > 100 * bound(refMod), 'H_{L_S} differs from H_{R_S} at keep 0.7');
    model.dispose();
    data.dispose();
  });

  s('bad directions and Hessian choices are refused', async () => {
    const model = engine.mlp({ sizes: [2, 3, 1] });
    const data = engine.dataset({ x: new Float32Array(4), y: new Float32Array(2), n: 2, inDim: 2, outDim: 1 });
    for (const [v, re] of [[new Float32Array(3), /v: expected a Float32Array of length 13/], [new Float32Array(13).fill(NaN), /v: expected finite values, got "NaN at index 0"/]] as const) {
      let err: unknown = null;
      await model.hvp(data, v).catch((e: unknown) => { err = e; });
      assert.match(String(err), re);
    }
    let err: unknown = null;
    await model.hvp(data, new Float32Array(13), { of: 'fisher' as never }).catch((e: unknown) => { err = e; });
    assert.match(String(err), /opts\.of: expected 'loss', 'modified' or \{ seed, step \}/);
    model.dispose();
    data.dispose();
  });

  s.after(() => engine.dispose());
  s.run();
}
