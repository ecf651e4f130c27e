/**
 * A dropout MLP on the device: parameters live in one flat tensor (layout.ts); every quantity is a
 * few kernel launches (network.ts over layer-pass.ts) over workspaces cached per batch size.
 */
import type { Activation, Backend, Tensor } from '../backend/backend.js';
import { ACTIVATIONS } from '../backend/backend.js';
import { checkF32Vector, checkInt, checkKeep, checkOptions } from '../backend/validate.js';
import { ArgumentError, DisposedError } from '../errors.js';
import { MASK_LAYERS, streamHead, streamTag, streamTail } from '../random/streams.js';
import type { DeviceDataset } from './dataset.js';
import { mlpLayout, type MlpLayout } from './layout.js';
import { hasClosedForm, dropoutVariance, penaltyGradient, penaltyTerms } from './modified-loss.js';
import { backward, forward, lossHead, type LossKind, type MaskDraw, type NetworkSpec } from './network.js';
import { createWorkspace, type Workspace } from './workspace.js';
import { hvpForward, hvpLayer0, hvpMonteCarlo, hvpPass, type HessianPlan } from './hvp.js';
import { HessianOperator } from './hessian-operator.js';
import { createRWorkspace, type RWorkspace } from './r-workspace.js';

/** Options of `engine.mlp` (docs/math.md §1). */
export interface MlpOptions {
  /** Layer sizes [in, hidden…, out]; at least two entries. */
  sizes: number[];
  /** Hidden-layer nonlinearity: 'tanh' (default), 'relu', 'sigmoid' or 'identity'. */
  activation?: Activation;
  /** Keep probability p in (0, 1] of every hidden layer (default 1: no dropout). */
  keep?: number;
  /** Biases in every layer (default true). */
  bias?: boolean;
  /** Seed of the initialisation (PyTorch's default: U(±1/√fan_in) for W and b). */
  seed?: number;
  /** 'mse' (default; docs/math.md §1's R_S) or 'xent' (softmax cross-entropy). */
  loss?: LossKind;
  /** 'shared' (default): one mask per step for the whole batch (docs/math.md §1); 'per-sample': one per row. */
  masks?: 'shared' | 'per-sample';
}

/**
 * A mask argument: none (∇R_S), the expectation over masks ('expected': ∇L_S), or one draw
 * `{ seed, step }` (integers in [0, 2³² − 1]) of the counter generator (∇R_S^drop).
 */
export type MaskArg = 'none' | 'expected' | { seed: number; step: number };

/** L_S = E_η R_S^drop (docs/math.md §2), exact or a Monte Carlo estimate. */
export interface ModifiedLoss {
  /** L_S (or its estimate). */
  value: number;
  /** Standard error of a Monte Carlo estimate; 0 when exact. */
  stdError: number;
  /** True for the closed form (one hidden layer with squared error, or keep 1). */
  exact: boolean;
  /** Mask samples used (0 when exact). */
  samples: number;
}

/**
 * Which Hessian: of R_S ('loss'), of L_S ('modified'), or of R_S^drop with the masks of one draw
 * `{ seed, step }`.
 */
export type HessianOf = 'loss' | 'modified' | { seed: number; step: number };

export function resolveMlpOptions(o: MlpOptions): Required<MlpOptions> {
  if (o === null || typeof o !== 'object' || Array.isArray(o)) throw new ArgumentError('options', 'an object with sizes', o);
  // Hidden-layer indices stay below MASK_LAYERS, the masks' share of the counter generator.
  if (!Array.isArray(o.sizes) || o.sizes.length < 2 || o.sizes.length - 2 >= MASK_LAYERS) throw new ArgumentError('options.sizes', 'an array of at least two layer sizes (below 2³¹ hidden layers)', o.sizes);
  o.sizes.forEach((s, i) => checkInt(`options.sizes[${i}]`, s, 1, 1 << 24));
  const activation = o.activation ?? 'tanh';
  if (!ACTIVATIONS.includes(activation)) throw new ArgumentError('options.activation', `one of ${ACTIVATIONS.join(', ')}`, activation);
  const keep = checkKeep('options.keep', o.keep ?? 1);
  const loss = o.loss ?? 'mse';
  if (loss !== 'mse' && loss !== 'xent') throw new ArgumentError('options.loss', "'mse' or 'xent'", loss);
  const masks = o.masks ?? 'shared';
  if (masks !== 'shared' && masks !== 'per-sample') throw new ArgumentError('options.masks', "'shared' or 'per-sample'", masks);
  return {
    sizes: [...o.sizes], activation, keep, loss, masks,
    bias: o.bias ?? true,
    seed: checkInt('options.seed', o.seed ?? 0, 0, 0xffffffff),
  };
}

/**
 * A dropout MLP on the device, made by `engine.mlp(options)` (docs/math.md §1): parameters in one
 * flat tensor (per layer W out × in row-major, then b), every quantity a few kernel launches.
 * Methods that read numbers back return Promises. Data sets must come from the same engine and
 * match the model's input and output sizes, else an {@link ArgumentError}; after `dispose()`
 * every method throws a {@link DisposedError}.
 *
 * @example
 * ```ts
 * const model = engine.mlp({ sizes: [1, 16, 1], keep: 0.5, seed: 1 });
 * const data = engine.dataset(sineTask({ n: 20 }));
 * const rs = await model.loss(data);                          // R_S
 * const ls = await model.modifiedLoss(data);                  // { value: L_S, exact: true, … }
 * const g = await model.gradient(data, { mask: 'expected' }); // ∇L_S, length D
 * const hv = await model.hvp(data, g, { of: 'modified' });    // H_{L_S} ∇L_S
 * ```
 */
export class Mlp {
  /** The options with their defaults filled in. */
  readonly options: Readonly<Required<MlpOptions>>;
  /** Where each layer's W and b lie in the flat parameter vector. */
  readonly layout: MlpLayout;
  /** @internal What the kernels need to know about the network. */
  readonly net: NetworkSpec;
  /** The flat parameter vector on the device (length `size`). */
  readonly params: Tensor;
  #workspaces = new Map<number, Workspace>();
  #scalars: Tensor;
  #disposed = false;

  /** @internal Use engine.mlp. */
  constructor(
    /** The backend (its kernel primitives, as engine.kernels) holding the parameters. */
    readonly kernels: Backend,
    options: MlpOptions,
  ) {
    this.options = resolveMlpOptions(options);
    const o = this.options;
    this.layout = mlpLayout(o.sizes, o.bias);
    this.net = { layout: this.layout, activation: o.activation, keep: o.keep, loss: o.loss, masksPerSample: o.masks === 'per-sample' };
    this.params = kernels.fromArray(initialParams(this.layout, o.seed));
    this.#scalars = kernels.create(4);
  }

  /** Number of parameters D. */
  get size(): number {
    return this.layout.size;
  }

  /** Keep probability p of every hidden layer. */
  get keep(): number {
    return this.options.keep;
  }

  /** A copy of θ (length D, the flat layout). */
  async getParams(): Promise<Float32Array> {
    return (await this.kernels.read(this.live().params)) as Float32Array;
  }

  /**
   * Replaces θ with a copy of `p`.
   *
   * @throws {@link ArgumentError} unless p is a Float32Array of D finite values.
   */
  setParams(p: Float32Array): void {
    this.live();
    checkF32Vector('params', p, this.size);
    this.kernels.write(this.params, p);
  }

  /** R_S(θ) on `data`: the loss without dropout (squared error / 2, or cross-entropy, averaged over rows). */
  async loss(data: DeviceDataset): Promise<number> {
    const ws = this.prepare(data);
    forward(this.kernels, this.net, this.params, data.x, ws, null);
    const div = lossHead(this.kernels, this.net, data.y, ws, this.#scalars, 0);
    return (await this.readScalar(0)) / div;
  }

  /** R_S^drop(θ; η) for the masks drawn at (seed, step). */
  async dropoutLoss(data: DeviceDataset, draw: { seed: number; step: number }): Promise<number> {
    const ws = this.prepare(data);
    forward(this.kernels, this.net, this.params, data.x, ws, checkDraw(draw, 'draw'));
    const div = lossHead(this.kernels, this.net, data.y, ws, this.#scalars, 0);
    return (await this.readScalar(0)) / div;
  }

  /**
   * L_S = E_η R_S^drop: exact for one dropout layer with MSE (docs/math.md §2), otherwise a Monte Carlo
   * mean over `samples` mask draws with its standard error.
   */
  async modifiedLoss(data: DeviceDataset, opts: { samples?: number; seed?: number } = {}): Promise<ModifiedLoss> {
    const ws = this.prepare(data);
    monteCarlo(checkOptions('opts', opts), 2); // checks samples/seed even where the closed form ignores them
    const k = this.kernels;
    if (this.keep === 1 || hasClosedForm(this.net)) {
      forward(k, this.net, this.params, data.x, ws, null);
      const div = lossHead(k, this.net, data.y, ws, this.#scalars, 0);
      if (this.keep < 1) penaltyTerms(k, this.net, this.params, ws, this.#scalars, 1);
      const s = (await k.read(this.#scalars, 0, 2)) as Float32Array;
      const penalty = this.keep < 1 ? (dropoutVariance(this.keep) / (2 * ws.rows)) * s[1]! : 0;
      return { value: s[0]! / div + penalty, stdError: 0, exact: true, samples: 0 };
    }
    const { samples, seed } = monteCarlo(opts, 2);
    const values = k.create(samples);
    let div = 1;
    for (let j = 0; j < samples; j++) {
      forward(k, this.net, this.params, data.x, ws, { seed, step: j });
      div = lossHead(k, this.net, data.y, ws, values, j);
    }
    const v = (await k.read(values)) as Float32Array;
    k.dispose(values);
    let mean = 0;
    for (const x of v) mean += x / div;
    mean /= samples;
    let ss = 0;
    for (const x of v) ss += (x / div - mean) ** 2;
    return { value: mean, stdError: Math.sqrt(ss / (samples - 1) / samples), exact: false, samples };
  }

  /**
   * ∇R_S (mask 'none'), ∇L_S (mask 'expected': exact for one dropout layer with MSE, else the mean
   * of `samples` dropout gradients), or ∇R_S^drop for one mask draw ({ seed, step }).
   */
  async gradient(data: DeviceDataset, opts: { mask?: MaskArg; samples?: number; seed?: number } = {}): Promise<Float32Array> {
    const grad = this.gradientTensor(data, opts);
    return (await this.kernels.read(grad)) as Float32Array;
  }

  /** @internal The gradient left in the workspace (valid until the next pass on this batch size). */
  gradientTensor(data: DeviceDataset, opts: { mask?: MaskArg; samples?: number; seed?: number } = {}): Tensor {
    const ws = this.prepare(data);
    monteCarlo(checkOptions('opts', opts), 1);
    const k = this.kernels;
    const mask = opts.mask ?? 'none';
    if (mask === 'none' || (mask === 'expected' && this.keep === 1)) {
      forward(k, this.net, this.params, data.x, ws, null);
      lossHead(k, this.net, data.y, ws, this.#scalars, 0);
      backward(k, this.net, this.params, data.x, ws, false);
      return ws.grad;
    }
    if (mask === 'expected') {
      if (hasClosedForm(this.net)) {
        forward(k, this.net, this.params, data.x, ws, null);
        lossHead(k, this.net, data.y, ws, this.#scalars, 0);
        penaltyTerms(k, this.net, this.params, ws, this.#scalars, 1);
        const hook = penaltyGradient(k, this.net, ws);
        backward(k, this.net, this.params, data.x, ws, false, hook, true);
        return ws.grad;
      }
      const { samples, seed } = monteCarlo(opts, 1);
      const acc = this.accumulator();
      k.fill(acc, 0);
      for (let j = 0; j < samples; j++) {
        this.step(data, ws, { seed, step: j });
        k.axpy(1 / samples, ws.grad, acc);
      }
      k.copy(acc, ws.grad);
      return ws.grad;
    }
    if (typeof mask !== 'object') throw new ArgumentError('opts.mask', "'none', 'expected' or { seed, step }", mask);
    this.step(data, ws, checkDraw(mask, 'opts.mask'));
    return ws.grad;
  }

  /**
   * H·v exactly (R-operator, docs/math.md §5) for the Hessian of R_S (of 'loss', default), of L_S
   * ('modified': exact for one dropout layer with MSE, else the mean over `samples` mask draws), or
   * of R_S^drop with the masks of one draw ({ seed, step }).
   */
  async hvp(data: DeviceDataset, v: Float32Array, opts: { of?: HessianOf; samples?: number; seed?: number } = {}): Promise<Float32Array> {
    const ws = this.prepare(data);
    checkF32Vector('v', v, this.size);
    const rws = this.rWorkspace(ws);
    this.kernels.write(rws.v, v);
    return (await this.kernels.read(this.hvpTensor(data, null, opts))) as Float32Array;
  }

  /**
   * @internal H·v on the device: v copied from a tensor (or already in place when null), the result
   * in the shared R-workspace (valid until the next HVP on this batch size). Each call runs the
   * forward pass at the current θ again; for many products at one θ use {@link Mlp.hessianOperator}.
   */
  hvpTensor(data: DeviceDataset, v: Tensor | null, opts: { of?: HessianOf; samples?: number; seed?: number } = {}): Tensor {
    const ws = this.prepare(data);
    const plan = this.hessianPlan(opts);
    const rws = this.rWorkspace(ws);
    const k = this.kernels;
    if (v) k.copy(v, rws.v);
    if (plan.kind === 'single') {
      hvpLayer0(k, this.net, this.params, data.x, ws, rws);
      hvpForward(k, this.net, this.params, data.x, data.y, ws, this.#scalars, plan.draw, plan.penalty, true);
      hvpPass(k, this.net, this.params, data.x, data.y, ws, rws, plan.draw !== null, plan.penalty, null, null, true);
    } else {
      hvpMonteCarlo(k, this.net, this.params, data.x, data.y, ws, rws, this.#scalars, this.accumulator(), plan.samples, plan.seed);
    }
    return rws.hv;
  }

  /**
   * @internal The Hessian operator v ↦ H·v at the θ the model has now, for many products at one θ
   * (Lanczos, Hutchinson, dense Hessians): the forward pass runs once, here, and each apply runs
   * only the R pass (hessian-operator.ts). Same options and the same results, bit for bit, as
   * hvpTensor at this θ; later changes to θ do not reach it. Dispose it when done (the model's
   * dispose also frees it).
   */
  hessianOperator(data: DeviceDataset, opts: { of?: HessianOf; samples?: number; seed?: number } = {}): HessianOperator {
    const ws = this.prepare(data);
    const plan = this.hessianPlan(opts);
    const op: HessianOperator = new HessianOperator({
      kernels: this.kernels, net: this.net, params: this.params, data, rws: this.rWorkspace(ws), plan,
      modelLive: () => this.live(),
      release: () => this.#operators.delete(op),
    });
    this.#operators.add(op);
    return op;
  }

  #operators = new Set<HessianOperator>();

  /** The passes the Hessian of `opts.of` needs, after checking the options. */
  private hessianPlan(opts: { of?: HessianOf; samples?: number; seed?: number }): HessianPlan {
    monteCarlo(checkOptions('opts', opts), 1);
    const of = opts.of ?? 'loss';
    if (of === 'loss' || (of === 'modified' && this.keep === 1)) return { kind: 'single', draw: null, penalty: false };
    if (of === 'modified') {
      if (hasClosedForm(this.net)) return { kind: 'single', draw: null, penalty: true };
      return { kind: 'monteCarlo', ...monteCarlo(opts, 1) };
    }
    if (typeof of === 'object' && of !== null) {
      const draw = checkDraw(of, 'opts.of');
      return { kind: 'single', draw: this.keep < 1 ? draw : null, penalty: false };
    }
    throw new ArgumentError('opts.of', "'loss', 'modified' or { seed, step }", of);
  }

  #rWorkspaces = new Map<number, RWorkspace>();
  private rWorkspace(ws: Workspace): RWorkspace {
    let r = this.#rWorkspaces.get(ws.rows);
    if (!r) {
      r = createRWorkspace(this.kernels, this.layout, ws.rows);
      this.#rWorkspaces.set(ws.rows, r);
    }
    return r;
  }

  /** Network outputs (n × out) without dropout. */
  async predict(data: DeviceDataset): Promise<Float32Array> {
    const ws = this.prepare(data);
    forward(this.kernels, this.net, this.params, data.x, ws, null);
    return (await this.kernels.read(ws.pre[ws.pre.length - 1]!)) as Float32Array;
  }

  /** Fraction of rows whose largest output is the true class (needs labels or one-hot targets). */
  async accuracy(data: DeviceDataset): Promise<number> {
    const out = await this.predict(data);
    const labels = data.labels ?? (await labelsFromTargets(data));
    const c = data.outDim;
    let correct = 0;
    for (let i = 0; i < data.n; i++) {
      let best = 0;
      for (let j = 1; j < c; j++) if (out[i * c + j]! > out[i * c + best]!) best = j;
      if (best === labels[i]) correct++;
    }
    return correct / data.n;
  }

  /** @internal R_S's row-loss sum (no dropout) into out[slot]; returns the divisor (2n for MSE, n for xent). */
  lossInto(data: DeviceDataset, out: Tensor, slot: number): number {
    const ws = this.prepare(data);
    forward(this.kernels, this.net, this.params, data.x, ws, null);
    return lossHead(this.kernels, this.net, data.y, ws, out, slot);
  }

  /** @internal One forward/backward pass with the given masks on a prepared workspace; loss sum into out[slot]. */
  step(data: { x: Tensor; y: Tensor }, ws: Workspace, draw: MaskDraw, out: Tensor = this.#scalars, slot = 0): number {
    const masked = draw !== null && this.keep < 1;
    forward(this.kernels, this.net, this.params, data.x, ws, masked ? draw : null);
    const div = lossHead(this.kernels, this.net, data.y, ws, out, slot);
    backward(this.kernels, this.net, this.params, data.x, ws, masked);
    return div;
  }

  /** @internal The workspace for `rows` samples, checking the data fits the model. */
  workspace(rows: number): Workspace {
    this.live();
    let ws = this.#workspaces.get(rows);
    if (!ws) {
      ws = createWorkspace(this.kernels, this.layout, rows, this.net.masksPerSample);
      this.#workspaces.set(rows, ws);
    }
    return ws;
  }

  /** @internal Checks that `data` fits the model and returns its workspace. */
  prepare(data: DeviceDataset, name = 'data'): Workspace {
    this.live();
    if (data === null || typeof data !== 'object' || typeof (data as DeviceDataset).live !== 'function') {
      throw new ArgumentError(name, 'a dataset from engine.dataset()', data);
    }
    data.live(name);
    if (data.kernels !== this.kernels) throw new ArgumentError(name, 'a dataset of the same engine as the model', 'one of another engine');
    const sizes = this.options.sizes;
    if (data.inDim !== sizes[0]) throw new ArgumentError(name, `inDim ${sizes[0]} (the model's input size)`, data.inDim);
    if (data.outDim !== sizes[sizes.length - 1]) throw new ArgumentError(name, `outDim ${sizes[sizes.length - 1]} (the model's output size)`, data.outDim);
    if (this.options.loss === 'xent' && !data.targetsAreDistributions) {
      throw new ArgumentError(name, "targets whose rows are probability distributions (e.g. one-hot) for loss 'xent'", 'other targets');
    }
    return this.workspace(data.n);
  }

  #acc: Tensor | null = null;
  private accumulator(): Tensor {
    return (this.#acc ??= this.kernels.create(this.size));
  }

  private async readScalar(slot: number): Promise<number> {
    return ((await this.kernels.read(this.#scalars, slot, 1)) as Float32Array)[0]!;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#disposed;
  }

  private live(): this {
    if (this.#disposed) throw new DisposedError('model: disposed');
    return this;
  }

  /** Frees the parameters and every workspace on the device; calling it again does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const op of [...this.#operators]) op.dispose();
    for (const ws of this.#workspaces.values()) ws.dispose();
    for (const ws of this.#rWorkspaces.values()) ws.dispose();
    this.#workspaces.clear();
    this.#rWorkspaces.clear();
    for (const t of [this.params, this.#scalars, this.#acc]) if (t && !t.disposed) this.kernels.dispose(t);
  }
}

/** Monte Carlo settings where L_S has no closed form: mask samples (default 64) and their seed. */
function monteCarlo(opts: { samples?: number; seed?: number }, minSamples: number): { samples: number; seed: number } {
  return {
    samples: checkInt('opts.samples', opts.samples ?? 64, minSamples, 1 << 20),
    seed: checkInt('opts.seed', opts.seed ?? 0x5eed, 0, 0xffffffff),
  };
}

function checkDraw(d: unknown, name: string): { seed: number; step: number } {
  if (d === null || typeof d !== 'object') throw new ArgumentError(name, "'none', 'expected' or { seed, step }", d);
  const { seed, step } = d as { seed: unknown; step: unknown };
  return { seed: checkInt(`${name}.seed`, seed, 0, 0xffffffff), step: checkInt(`${name}.step`, step, 0, 0xffffffff) };
}

/** U(−1/√fan_in, 1/√fan_in) for every weight and bias, from the counter generator (runtime-independent). */
export function initialParams(layout: MlpLayout, seed: number): Float32Array {
  const p = new Float32Array(layout.size), tag = streamTag('init');
  layout.layers.forEach((L, l) => {
    const bound = 1 / Math.sqrt(L.inDim), head = streamHead(seed, tag, l);
    const end = L.bOffset >= 0 ? L.bOffset + L.outDim : L.wOffset + L.inDim * L.outDim;
    for (let i = L.wOffset; i < end; i++) {
      const u = streamTail(head, i - L.wOffset, 0) / 4294967296;
      p[i] = (2 * u - 1) * bound;
    }
  });
  return p;
}

async function labelsFromTargets(data: DeviceDataset): Promise<Int32Array> {
  const y = (await data.kernels.read(data.y)) as Float32Array;
  const labels = new Int32Array(data.n);
  for (let i = 0; i < data.n; i++) {
    let best = 0;
    for (let j = 1; j < data.outDim; j++) if (y[i * data.outDim + j]! > y[i * data.outDim + best]!) best = j;
    labels[i] = best;
  }
  return labels;
}
