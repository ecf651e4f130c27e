/**
 * The Backend interface: the small set of device-buffer primitives every algorithm is written
 * against. Two implementations exist (src/wasm, src/webgpu); each kernel has one WGSL file in
 * shaders/ and one AssemblyScript file in assembly/ with the same name and semantics.
 *
 * Calls that compute are enqueued in order and return at once; only `read` (and `flush`) are
 * asynchronous, because a GPU reads back asynchronously. All layouts are row-major.
 */

/** The two backends: WebGPU (a GPU through WGSL compute shaders) and WASM (WebAssembly on the CPU). */
export type BackendName = 'webgpu' | 'wasm';
/** Element type of a tensor: 32-bit float, or 32-bit unsigned integer (row indices). */
export type DType = 'f32' | 'u32';
/** Hidden-layer nonlinearity σ; the output layer is always linear. */
export type Activation = 'tanh' | 'relu' | 'sigmoid' | 'identity';
/** Reductions to one number: Σx (sum), Σx·y (dot), Σx² (sumsq). */
export type ReduceOp = 'sum' | 'dot' | 'sumsq';

/** Every {@link Activation} (the kernels' codes for them: kernel-declarations.ts). */
export const ACTIVATIONS: readonly Activation[] = ['tanh', 'relu', 'sigmoid', 'identity'];
/** Every {@link ReduceOp}. */
export const REDUCE_OPS: readonly ReduceOp[] = ['sum', 'dot', 'sumsq'];

/** A handle to device memory. Contents live on the backend; read them with `backend.read`. */
export interface Tensor {
  /** Number of elements. */
  readonly size: number;
  /** Element type. */
  readonly dtype: DType;
  /** True once disposed; any further use throws DisposedError. */
  readonly disposed: boolean;
  /** The backend that owns it. */
  readonly backend: BackendName;
  /**
   * Made by `fromArray(data, { readOnly: true })`: no kernel writes it (an output argument that is
   * read-only is an ArgumentError), so a backend may keep forms derived from its contents (the
   * WASM GEMM keeps it packed in panels).
   */
  readonly readOnly: boolean;
}

/** Options of {@link Backend.fromArray}. */
export interface FromArrayOptions {
  /**
   * The tensor's contents never change (data such as the inputs x): every later write to it is an
   * ArgumentError, and the WASM backend packs it once for the GEMMs that read it instead of per
   * call (same results to the bit). Default false.
   */
  readOnly?: boolean;
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
  /** Scale of the product (default 1). */
  alpha?: number;
  /** beta = 0 ignores C's previous contents entirely (NaN in C does not propagate). */
  beta?: number;
  /** Elements between consecutive batch entries; 0 broadcasts one matrix to every entry. */
  strideA?: number;
  /** Elements between consecutive B matrices (default the matrix size; 0 broadcasts). */
  strideB?: number;
  /** Elements between consecutive C matrices (default the matrix size). */
  strideC?: number;
  /** Element offset of the first matrix inside each tensor (default 0). */
  offsetA?: number;
  /** Element offset of B's first matrix (default 0). */
  offsetB?: number;
  /** Element offset of C's first matrix (default 0). */
  offsetC?: number;
}

/**
 * Dropout masks from the counter-based generator (src/random/counter-hash.ts is the reference):
 * out[s * units + u] = B / keep with B = 1 iff hash(seed, step, layer, unitOffset + u,
 * sampleOffset + s) >> 1 < floor(keep · 2^31), else 0. Bit-identical on every backend.
 */
export interface MaskOptions {
  /** Seed of the draw, an integer in [0, 2³² − 1]. */
  seed: number;
  /** Step of the draw (fresh masks per training step), an integer in [0, 2³² − 1]. */
  step: number;
  /** Hidden layer index (or a stream number for other uses, e.g. probes). */
  layer: number;
  /** Units per sample (row length of the mask). */
  units: number;
  /** Number of rows (mask samples). */
  samples: number;
  /** Keep probability p in (0, 1]. */
  keep: number;
  /** First unit index of this mask (default 0), to draw part of a wider layer. */
  unitOffset?: number;
  /** First sample index of this mask (default 0). */
  sampleOffset?: number;
}

/** A row vector combined with every row of a rows × cols matrix. */
export interface BroadcastOptions {
  /** Rows of each matrix. */
  rows: number;
  /** Columns of each matrix = the vector's length. */
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
  /** Number of rows. */
  rows: number;
  /** Columns per row. */
  cols: number;
}

/** What runs: the backend's name, a description for people, and details for diagnostics. */
export interface BackendInfo {
  /** 'webgpu' or 'wasm'. */
  name: BackendName;
  /** Human-readable description: adapter vendor/architecture, or the WASM build and thread count. */
  description: string;
  /** Extra facts (features, limits, SIMD flavour, threads). */
  details: Record<string, string | number | boolean>;
}

/**
 * The device-buffer primitives every algorithm is written against (docs/architecture.md §5–§6);
 * `engine.kernels` is the engine's backend. Shapes are row-major; every method checks its arguments
 * and throws an {@link ArgumentError} naming the bad one, or a {@link DisposedError} for a disposed
 * tensor. Computing calls are enqueued and return at once; read results with `await backend.read(t)`.
 */
export interface Backend {
  /** 'webgpu' or 'wasm'. */
  readonly name: BackendName;
  /** Description and details of the device or the WASM build. */
  readonly info: BackendInfo;

  /** A new zero-filled tensor of `size` elements (size ≥ 1). */
  create(size: number, dtype?: DType): Tensor;
  /** A new tensor holding a copy of `data` (dtype from the array type); see {@link FromArrayOptions}. */
  fromArray(data: Float32Array | Uint32Array, options?: FromArrayOptions): Tensor;
  /** Copy `data` into `t` starting at element `offset` (default 0). */
  write(t: Tensor, data: Float32Array | Uint32Array, offset?: number): void;
  /** Copy `t` (or `length` elements from `offset`) back to the host, after all enqueued work. */
  read(t: Tensor, offset?: number, length?: number): Promise<Float32Array | Uint32Array>;
  /** Copy `length` elements between tensors (same dtype). */
  copy(src: Tensor, dst: Tensor, srcOffset?: number, dstOffset?: number, length?: number): void;
  /** Set every element of `t` to `value`. */
  fill(t: Tensor, value: number): void;
  /** Frees the tensor's memory; later use of it throws a DisposedError (disposing twice is allowed). */
  dispose(t: Tensor): void;

  /**
   * C[b] = α·op(A[b])·op(B[b]) + β·C[b] for each batch entry b (see {@link GemmOptions}); f32
   * with a fixed summation order. Operands larger than a binding are split (WebGPU).
   */
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
  /** Writes dropout multipliers (B/keep) from the counter generator; see {@link MaskOptions}. */
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
  /**
   * Calls `listener` with the reason once the backend's device is lost (at once if it already
   * was), not on destroy(); a WASM backend's memory cannot be lost, so it never calls back.
   */
  onLost(listener: (reason: string) => void): void;
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
