/**
 * The Backend interface: the small set of device-buffer primitives every algorithm is written
 * against. Two implementations exist (src/wasm, src/webgpu); each kernel has one WGSL file in
 * shaders/ and one AssemblyScript file in assembly/ with the same name and semantics.
 *
 * Calls that compute are enqueued in order and return at once; only `read` (and `flush`) are
 * asynchronous, because a GPU reads back asynchronously. All layouts are row-major.
 */

export type BackendName = 'webgpu' | 'wasm';
export type DType = 'f32' | 'u32';
export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'identity';
export type ReduceOp = 'sum' | 'dot' | 'sumsq';

export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'identity'];
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'dot', 'sumsq'];

/** A handle to device memory. Contents live on the backend; read them with `backend.read`. */
export interface Tensor {
  /** Number of elements. */
  readonly size: number;
  readonly dtype: DType;
  /** True once disposed; any further use throws DisposedError. */
  readonly disposed: boolean;
  /** The backend that owns it. */
  readonly backend: BackendName;
}

/** C[b] = alpha * op(A[b]) * op(B[b]) + beta * C[b] for b in 0..batch-1. */
export interface GemmOptions {
  /** Rows of op(A) and of C. */
  m: number;
  /** Columns of op(B) and of C. */
  n: number;
  /** Columns of op(A) = rows of op(B): the reduction length. */
  k: number;
  /** Number of independent products (default 1). */
  batch?: number;
  /** A is stored k×m and op(A) = Aᵀ (default false: A stored m×k). */
  transA?: boolean;
  /** B is stored n×k and op(B) = Bᵀ (default false: B stored k×n). */
  transB?: boolean;
  alpha?: number;
  /** beta = 0 ignores C's previous contents entirely (NaN in C does not propagate). */
  beta?: number;
  /** Elements between consecutive batch entries; 0 broadcasts one matrix to every entry. */
  strideA?: number;
  strideB?: number;
  strideC?: number;
  /** Element offset of the first matrix inside each tensor (default 0). */
  offsetA?: number;
  offsetB?: number;
  offsetC?: number;
}

/**
 * Dropout masks from the counter-based generator (src/random/counter-hash.ts is the reference):
 * out[s * units + u] = B / keep with B = 1 iff hash(seed, step, layer, unitOffset + u,
 * sampleOffset + s) >> 1 < floor(keep · 2^31), else 0. Bit-identical on every backend.
 */
export interface MaskOptions {
  seed: number;
  step: number;
  layer: number;
  /** Units per sample (row length of the mask). */
  units: number;
  /** Number of rows (mask samples). */
  samples: number;
  /** Keep probability p in (0, 1]. */
  keep: number;
  unitOffset?: number;
  sampleOffset?: number;
}

/** A row vector combined with every row of a rows × cols matrix. */
export interface BroadcastOptions {
  rows: number;
  cols: number;
  /** 'add': out = x + v (bias); 'mul': out = x · v (shared dropout mask, column scaling). */
  op: 'add' | 'mul';
  /** Element offset of the vector inside v (default 0), e.g. a bias inside the parameter vector. */
  vOffset?: number;
  /** Matrices stored one after another (default 1): entry b uses the vector at vOffset + b·vStride. */
  batch?: number;
  /** Elements between the vectors of consecutive batch entries (default 0: one shared vector). */
  vStride?: number;
}

/** A rows × cols matrix, for the row-wise kernels. */
export interface RowsOptions {
  rows: number;
  cols: number;
}

export interface BackendInfo {
  name: BackendName;
  /** Human-readable description: adapter vendor/architecture, or the WASM build and thread count. */
  description: string;
  /** Extra facts (features, limits, SIMD flavour, threads). */
  details: Record<string, string | number | boolean>;
}

export interface Backend {
  readonly name: BackendName;
  readonly info: BackendInfo;

  /** A new zero-filled tensor of `size` elements (size ≥ 1). */
  create(size: number, dtype?: DType): Tensor;
  /** A new tensor holding a copy of `data` (dtype from the array type). */
  fromArray(data: Float32Array | Uint32Array): Tensor;
  /** Copy `data` into `t` starting at element `offset` (default 0). */
  write(t: Tensor, data: Float32Array | Uint32Array, offset?: number): void;
  /** Copy `t` (or `length` elements from `offset`) back to the host, after all enqueued work. */
  read(t: Tensor, offset?: number, length?: number): Promise<Float32Array | Uint32Array>;
  /** Copy `length` elements between tensors (same dtype). */
  copy(src: Tensor, dst: Tensor, srcOffset?: number, dstOffset?: number, length?: number): void;
  /** Set every element of `t` to `value`. */
  fill(t: Tensor, value: number): void;
  dispose(t: Tensor): void;

  gemm(a: Tensor, b: Tensor, c: Tensor, opts: GemmOptions): void;
  /**
   * y = σ(x) (derivative false/0), σ'(x) (true/1) or σ''(x) (2), elementwise at the
   * pre-activation x; y may be x.
   */
  activation(x: Tensor, y: Tensor, kind: Activation, derivative?: boolean | 0 | 1 | 2): void;
  /** y ← alpha·x + y. */
  axpy(alpha: number, x: Tensor, y: Tensor): void;
  /** x ← alpha·x. */
  scale(alpha: number, x: Tensor): void;
  /** out = x ⊙ y elementwise; out may alias x or y. */
  mul(x: Tensor, y: Tensor, out: Tensor): void;
  /**
   * out[outOffset] = Σ x (sum), Σ x·y (dot) or Σ x² (sumsq), summed in a fixed order so a rerun
   * on the same backend reproduces the result bit for bit. `y` is required for dot only.
   */
  reduce(op: ReduceOp, x: Tensor, y: Tensor | null, out: Tensor, outOffset?: number): void;
  mask(out: Tensor, opts: MaskOptions): void;
  /** out[b,r,c] = x[b,r,c] (+ or ·) v[vOffset + b·vStride + c], b < batch; out may alias x. */
  broadcast(x: Tensor, v: Tensor, out: Tensor, opts: BroadcastOptions): void;
  /**
   * Row-wise softmax cross-entropy of logits against targets (both rows × cols):
   * grad = softmax(logits) − targets, loss[r] = −Σ_c targets[r,c]·log softmax(logits[r])_c.
   */
  softmaxXent(logits: Tensor, targets: Tensor, grad: Tensor, loss: Tensor, opts: RowsOptions): void;
  /**
   * dst[i·cols + c] = src[index[i]·cols + c] for i < rows; `index` is a u32 tensor. An index past
   * src's last row gives a zero row (never an out-of-bounds read).
   */
  gatherRows(src: Tensor, index: Tensor, dst: Tensor, opts: RowsOptions): void;

  /** Resolves when all enqueued work has finished. */
  flush(): Promise<void>;
  /** Tensors created and not yet disposed. */
  liveTensors(): number;
  /**
   * Device memory held: WASM, the linear memory's size (it only grows, so flat means nothing
   * leaked); WebGPU, the bytes of the live tensors' buffers.
   */
  memoryBytes(): number;
  /** Free everything; the backend is unusable afterwards. */
  destroy(): void;
}
