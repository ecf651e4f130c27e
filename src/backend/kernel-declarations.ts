/**
 * Every kernel's parameters, declared once: the fields of its WGSL `struct Params` (shaders/, in
 * order, padding left out) and the arguments of its WebAssembly export (assembly/, in order). The
 * WebGPU backend packs uniforms from these lists by name (uniform-layout.ts) and the WASM backend
 * orders export arguments from them (wasm-args.ts); test/kernel-declarations.test.ts parses every
 * shader's Params struct and every export's signature and checks them against this table. The
 * numeric codes the kernels switch on (activation kind, reduction, broadcast op) live here too.
 */
import type { Activation, ReduceOp } from './backend.js';

/** Types of a uniform field: WGSL's 32-bit scalars. */
export type UniformType = 'u32' | 'f32';
/** Types of a WASM argument: a byte pointer into linear memory (usize), or a 32-bit scalar. */
export type WasmType = 'ptr' | 'i32' | 'u32' | 'f32';

type Fields<T extends string> = readonly (readonly [name: string, type: T])[];

interface KernelDeclaration {
  /** The WGSL Params struct's fields, in order, without the trailing padN words. */
  readonly params: Fields<UniformType>;
  /** The WASM export's arguments, in order (null: the WASM backend does it in JS). */
  readonly wasm: Fields<WasmType> | null;
}

export const KERNELS = {
  gemm: {
    params: [
      ['m', 'u32'], ['n', 'u32'], ['k', 'u32'], ['betaZero', 'u32'],
      ['strideA', 'u32'], ['strideB', 'u32'], ['strideC', 'u32'], ['batch0', 'u32'],
      ['offA', 'u32'], ['offB', 'u32'], ['offC', 'u32'], ['tileX0', 'u32'],
      ['alpha', 'f32'], ['beta', 'f32'], ['tileY0', 'u32'], ['lda', 'u32'],
      ['ldb', 'u32'], ['ldc', 'u32'],
    ],
    wasm: [
      ['m', 'i32'], ['n', 'i32'], ['k', 'i32'],
      ['a', 'ptr'], ['lda', 'i32'], ['transA', 'i32'],
      ['b', 'ptr'], ['ldb', 'i32'], ['transB', 'i32'],
      ['c', 'ptr'], ['ldc', 'i32'],
      ['alpha', 'f32'], ['beta', 'f32'],
      ['batch', 'i32'], ['strideA', 'i32'], ['strideB', 'i32'], ['strideC', 'i32'],
      ['scratch', 'ptr'], ['packA', 'ptr'], ['packB', 'ptr'],
    ],
  },
  activation: {
    params: [['n', 'u32']],
    wasm: [['x', 'ptr'], ['y', 'ptr'], ['n', 'i32'], ['kind', 'i32'], ['derivative', 'i32']],
  },
  axpy: {
    params: [['n', 'u32'], ['alpha', 'f32']],
    wasm: [['alpha', 'f32'], ['x', 'ptr'], ['y', 'ptr'], ['n', 'i32']],
  },
  scale: {
    params: [['n', 'u32'], ['alpha', 'f32']],
    wasm: [['alpha', 'f32'], ['x', 'ptr'], ['n', 'i32']],
  },
  mul: {
    params: [['n', 'u32']],
    wasm: [['x', 'ptr'], ['y', 'ptr'], ['out', 'ptr'], ['n', 'i32']],
  },
  reduce: {
    params: [['n', 'u32'], ['groups', 'u32']],
    wasm: [['op', 'i32'], ['x', 'ptr'], ['y', 'ptr'], ['n', 'i32'], ['out', 'ptr']],
  },
  mask: {
    params: [
      ['seed', 'u32'], ['step', 'u32'], ['layer', 'u32'], ['units', 'u32'],
      ['total', 'u32'], ['unitOffset', 'u32'], ['sampleOffset', 'u32'], ['threshold', 'u32'],
      // 1/keep as f32 bits: the shader bitcasts it, so the multiplier is the same f32 everywhere.
      ['invKeepBits', 'u32'], ['first', 'u32'],
    ],
    wasm: [
      ['out', 'ptr'], ['seed', 'u32'], ['step', 'u32'], ['layer', 'u32'], ['units', 'i32'], ['samples', 'i32'],
      ['unitOffset', 'u32'], ['sampleOffset', 'u32'], ['threshold', 'u32'], ['invKeep', 'f32'],
    ],
  },
  fill: {
    params: [['n', 'u32'], ['bits', 'u32']],
    wasm: null,
  },
  broadcast: {
    params: [['n', 'u32'], ['cols', 'u32'], ['vOffset', 'u32'], ['matrix', 'u32'], ['vStride', 'u32'], ['first', 'u32'], ['b0', 'u32']],
    wasm: [['x', 'ptr'], ['v', 'ptr'], ['out', 'ptr'], ['rows', 'i32'], ['cols', 'i32'], ['op', 'i32'], ['batch', 'i32'], ['vStride', 'i32']],
  },
  softmax_xent: {
    params: [['rows', 'u32'], ['cols', 'u32'], ['off', 'u32'], ['lossOff', 'u32']],
    wasm: [['logits', 'ptr'], ['targets', 'ptr'], ['grad', 'ptr'], ['loss', 'ptr'], ['rows', 'i32'], ['cols', 'i32']],
  },
  gather_rows: {
    params: [
      ['n', 'u32'], ['cols', 'u32'], ['srcRows', 'u32'], ['first', 'u32'], ['iLo', 'u32'],
      ['sLo', 'u32'], ['sHi', 'u32'], ['sOff', 'u32'], ['zero', 'u32'],
    ],
    wasm: [['src', 'ptr'], ['index', 'ptr'], ['dst', 'ptr'], ['rows', 'i32'], ['cols', 'i32'], ['srcRows', 'u32']],
  },
} as const satisfies Record<string, KernelDeclaration>;

/** A kernel: one shader in shaders/ and (unless its wasm is null) one export of assembly/index.ts. */
export type KernelName = keyof typeof KERNELS;
/** The kernels with a WebAssembly export. */
export type WasmKernelName = { [K in KernelName]: (typeof KERNELS)[K]['wasm'] extends null ? never : K }[KernelName];

/** The values of a kernel's uniform fields, by name. */
export type ParamValues<K extends KernelName> = Readonly<Record<(typeof KERNELS)[K]['params'][number][0], number>>;
/** A WASM export's argument names. */
export type WasmArgName<K extends WasmKernelName> = NonNullable<(typeof KERNELS)[K]['wasm']>[number][0];
/** The values of a WASM export's arguments, by name. */
export type WasmArgValues<K extends WasmKernelName> = Readonly<Record<WasmArgName<K>, number>>;

/** Every kernel name, in declaration order. */
export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];

/**
 * The Params struct as the shader must declare it: the declared fields, then u32 words pad0,
 * pad1, … up to a whole number of 16-byte rows (the layout every shader uses).
 */
export function paddedParams(kernel: KernelName): [name: string, type: UniformType][] {
  const fields: [string, UniformType][] = KERNELS[kernel].params.map(([n, t]) => [n, t]);
  const pads = (4 - (fields.length % 4)) % 4;
  for (let i = 0; i < pads; i++) fields.push([`pad${i}`, 'u32']);
  return fields;
}

/** Kernel codes the WGSL side selects by define and the WASM side by number. */
export interface ActivationCode {
  /** The `kind` argument of assembly/activation.ts. */
  code: number;
  /** The define shaders/activation.wgsl tests. */
  define: string;
}

/** Each activation's code (assembly/activation.ts's TANH, RELU, SIGMOID; identity the rest) and define. */
export const ACTIVATION_CODES: Readonly<Record<Activation, ActivationCode>> = {
  tanh: { code: 0, define: 'KIND_TANH' },
  relu: { code: 1, define: 'KIND_RELU' },
  sigmoid: { code: 2, define: 'KIND_SIGMOID' },
  identity: { code: 3, define: 'KIND_IDENTITY' },
};

/** The `op` argument of assembly/reduce.ts. */
export const REDUCE_CODES: Readonly<Record<ReduceOp, number>> = { sum: 0, dot: 1, sumsq: 2 };

/** The `op` argument of assembly/broadcast.ts. */
export const BROADCAST_CODES: Readonly<Record<'add' | 'mul', number>> = { add: 0, mul: 1 };
