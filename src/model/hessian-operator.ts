/**
 * The Hessian operator v ↦ H·v of one model on one data set at one θ (docs/math.md §5), for the
 * loops that take many products there: Lanczos, Hutchinson, SLQ, dense Hessians, the structure
 * modules. The R pass of an HVP reads the forward state at θ (activations, the loss head's δ, the
 * penalty's column terms, σ′ and σ″) but does not change it (hvp.ts: hvpPass), so that state is
 * computed once, when the operator is made, and each product runs only the R pass: on W1 two
 * n × 784 × 50 layer-0 products per product instead of three, and no activation functions. The
 * R pass's own δ's (∂/∂ of each hidden layer, back-propagated from the loss head) do not depend on
 * the direction either: the first apply saves them and later applies reuse them (r-pass.ts
 * `delta`), one n × 50 × 50 and one n × 10 × 50 product and two σ′ products fewer on W1.
 *
 * It holds the Hessian at the θ of its making by construction, not by discipline: it keeps its own
 * copy of θ and its own forward workspace, so training, gradients or other HVPs on the model between
 * two applies neither change its θ nor overwrite its forward state. It shares the model's
 * R-workspace: `apply` enqueues one whole product and returns the R-workspace's hv, which the caller
 * reads or copies before the next HVP on that model and batch size (hvpTensor's contract too).
 *
 * The Monte Carlo L_S Hessian (no closed form: the mean over mask draws) would need one cached
 * forward state per draw; there each apply runs hvpTensor's whole loop (a forward pass and an R pass
 * per draw) on the operator's θ and workspace, so it is no faster, only as safe.
 */
import type { Backend, Tensor } from '../backend/backend.js';
import { DisposedError } from '../errors.js';
import type { DeviceDataset } from './dataset.js';
import { hvpDerivatives, hvpForward, hvpMonteCarlo, hvpPass, type HessianPlan } from './hvp.js';
import type { NetworkSpec } from './network.js';
import { ownedTensors } from './owned-tensors.js';
import type { RWorkspace } from './r-workspace.js';
import { createWorkspace, type Workspace } from './workspace.js';

/** What the model lends an operator (Mlp.hessianOperator makes it). */
export interface HessianOperatorParts {
  kernels: Backend;
  net: NetworkSpec;
  /** The model's θ, copied at construction (never read again). */
  params: Tensor;
  data: DeviceDataset;
  /** The model's R-workspace for data.n rows (shared; see the file comment). */
  rws: RWorkspace;
  plan: HessianPlan;
  /** Throws the model's DisposedError once it is disposed. */
  modelLive: () => void;
  /** Called once by dispose, so the model stops tracking this operator. */
  release: () => void;
}

/** @internal v ↦ H·v at a fixed θ; made by Mlp.hessianOperator. */
export class HessianOperator {
  #parts: HessianOperatorParts;
  #owned: ReturnType<typeof ownedTensors>;
  #theta: Tensor;
  #ws: Workspace;
  #scalars: Tensor;
  #acc: Tensor | null;
  /** σ″ per hidden layer at θ (σ′ stays in the workspace's deriv): single plans only. */
  #second: Tensor[] | null = null;
  /** Each hidden layer's ∂/∂output before σ′ at θ, saved by the first apply (single plans only). */
  #delta: { mode: 'save' | 'reuse'; gPre: Tensor[] } | null = null;
  #disposed = false;

  constructor(parts: HessianOperatorParts) {
    this.#parts = parts;
    const { kernels: k, net, params, data, plan } = parts;
    this.#owned = ownedTensors(k);
    const size = net.layout.size;
    this.#theta = this.#owned.make(size);
    k.copy(params, this.#theta);
    this.#scalars = this.#owned.make(2);
    this.#acc = plan.kind === 'monteCarlo' ? this.#owned.make(size) : null;
    this.#ws = createWorkspace(k, net.layout, data.n, net.masksPerSample);
    if (plan.kind === 'single') {
      hvpForward(k, net, this.#theta, data.x, data.y, this.#ws, this.#scalars, plan.draw, plan.penalty);
      const hidden = net.layout.layers.slice(0, -1);
      this.#second = hidden.map((L) => this.#owned.make(data.n * L.outDim));
      hvpDerivatives(k, net, this.#ws, this.#second);
      this.#delta = { mode: 'save', gPre: hidden.map((L) => this.#owned.make(data.n * L.outDim)) };
    }
  }

  /** H·v for a device vector v (length D), in the model's R-workspace: read or copy it before the next HVP on the model. */
  apply(v: Tensor): Tensor {
    if (this.#disposed) throw new DisposedError('hessian operator: disposed');
    const { kernels: k, net, data, rws, plan } = this.#parts;
    this.#parts.modelLive();
    data.live('data');
    k.copy(v, rws.v);
    if (plan.kind === 'single') {
      hvpPass(k, net, this.#theta, data.x, data.y, this.#ws, rws, plan.draw !== null, plan.penalty, this.#second, this.#delta);
      this.#delta!.mode = 'reuse';
    } else {
      hvpMonteCarlo(k, net, this.#theta, data.x, data.y, this.#ws, rws, this.#scalars, this.#acc!, plan.samples, plan.seed);
    }
    return rws.hv;
  }

  /** True once disposed. */
  get disposed(): boolean {
    return this.#disposed;
  }

  /** Frees its θ copy and workspace; calling it again does nothing. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#ws.dispose();
    this.#owned.dispose();
    this.#parts.release();
  }
}
