/**
 * The kernel declarations (src/backend/kernel-declarations.ts) against the kernels themselves:
 * every shaders/*.wgsl file's `struct Params` must list the declared fields (name, type, order)
 * and then its padding, every declared WASM export's AssemblyScript signature the declared
 * arguments (name, type, order), and every built WebAssembly module must export it with that many
 * parameters. The numeric codes the kernels switch on are checked against their sources too.
 * Reads the sources from the repository root (the working directory of `npm test`).
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ACTIVATION_CODES, KERNEL_NAMES, KERNELS, paddedParams, type KernelName, type WasmType,
} from '../src/backend/kernel-declarations.js';
import { ACTIVATIONS } from '../src/backend/backend.js';
import { PARAM_WORDS, packParams } from '../src/webgpu/uniforms.js';
import { argSlots, wasmArgs } from '../src/wasm/wasm-args.js';

const root = resolve('.');
const s = suite('kernel declarations match the shaders and the WASM exports');

/** The fields of the one `struct Params { … }` of a WGSL source, as [name, type]. */
function wgslParams(source: string): [string, string][] {
  const structs = [...source.matchAll(/struct\s+Params\s*\{([^}]*)\}/g)];
  assert.is(structs.length, 1, 'one struct Params');
  return structs[0]![1]!.split(',').map((f) => f.trim()).filter((f) => f.length > 0).map((f) => {
    const m = /^(\w+)\s*:\s*(\w+)$/.exec(f);
    if (!m) throw new Error(`unparsed Params field "${f}"`);
    return [m[1]!, m[2]!];
  });
}

/** AssemblyScript parameter types as the declarations name them. */
const AS_TYPES: Record<string, WasmType> = { usize: 'ptr', i32: 'i32', u32: 'u32', f32: 'f32' };

/** The parameters of `export function name(…)` in assembly/, following assembly/index.ts's re-export. */
function assemblyParams(name: string): [string, string][] {
  const index = readFileSync(join(root, 'assembly/index.ts'), 'utf8');
  const from = new RegExp(`export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}\\s*from\\s*'\\./([\\w-]+)'`).exec(index);
  assert.ok(from, `assembly/index.ts re-exports ${name}`);
  const source = readFileSync(join(root, 'assembly', `${from![1]}.ts`), 'utf8');
  const fn = new RegExp(`export\\s+function\\s+${name}\\s*\\(([^)]*)\\)`).exec(source);
  assert.ok(fn, `assembly/${from![1]}.ts exports function ${name}`);
  return fn![1]!.split(',').map((p) => p.trim()).filter((p) => p.length > 0).map((p) => {
    const m = /^(\w+)\s*:\s*(\w+)$/.exec(p);
    if (!m) throw new Error(`unparsed parameter "${p}" of ${name}`);
    return [m[1]!, AS_TYPES[m[2]!] ?? `unknown AssemblyScript type ${m[2]}`];
  });
}

s('every shader has a declaration and every declaration a shader', () => {
  const shaders = readdirSync(join(root, 'shaders')).filter((f) => f.endsWith('.wgsl')).map((f) => f.slice(0, -5)).sort();
  assert.equal(shaders, [...KERNEL_NAMES].sort());
});

s("each shader's Params struct is the declared fields, in order, then padding", () => {
  for (const kernel of KERNEL_NAMES) {
    const got = wgslParams(readFileSync(join(root, 'shaders', `${kernel}.wgsl`), 'utf8'));
    assert.equal(got, paddedParams(kernel), `shaders/${kernel}.wgsl`);
    assert.ok(got.length <= PARAM_WORDS, `${kernel}: its struct fits a uniform slot`);
  }
});

s("each WASM export's signature is the declared arguments, in order", () => {
  for (const kernel of KERNEL_NAMES) {
    const wasm = KERNELS[kernel].wasm;
    if (!wasm) continue;
    assert.equal(assemblyParams(kernel), wasm.map(([n, t]) => [n, t]), `assembly export ${kernel}`);
  }
});

s('every built WebAssembly module exports each declared kernel with the declared arity', () => {
  const dir = join(root, 'build/wasm');
  assert.ok(existsSync(dir), 'build/wasm missing: run node scripts/build.mjs');
  const builds = readdirSync(dir).filter((f) => f.endsWith('.wasm') && !f.startsWith('linalg'));
  assert.ok(builds.length >= 5, `five kernel builds, found ${builds.join(', ')}`);
  let checked = 0;
  for (const file of builds) {
    const bytes = readFileSync(join(dir, file));
    if (!WebAssembly.validate(bytes)) continue; // e.g. relaxed SIMD where this runtime lacks it
    const shared = file.includes('shared');
    const memory = new WebAssembly.Memory(shared ? { initial: 64, maximum: 65536, shared: true } : { initial: 64 });
    const exports = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as Record<string, unknown>;
    for (const kernel of KERNEL_NAMES) {
      const wasm = KERNELS[kernel].wasm;
      if (!wasm) continue;
      const fn = exports[kernel];
      assert.type(fn, 'function', `${file} exports ${kernel}`);
      assert.is((fn as (...a: number[]) => void).length, wasm.length, `${file}: ${kernel} takes ${wasm.length} arguments`);
    }
    checked++;
  }
  assert.ok(checked >= 2, 'at least the scalar and SIMD builds were checked');
});

s('activation codes are the ones assembly/activation.ts switches on, defines the ones the shader tests', () => {
  const source = readFileSync(join(root, 'assembly/activation.ts'), 'utf8');
  const shader = readFileSync(join(root, 'shaders/activation.wgsl'), 'utf8');
  const constant = (name: string) => Number(new RegExp(`const\\s+${name}\\s*:\\s*i32\\s*=\\s*(\\d+)`).exec(source)?.[1]);
  assert.is(ACTIVATION_CODES.tanh.code, constant('TANH'));
  assert.is(ACTIVATION_CODES.relu.code, constant('RELU'));
  assert.is(ACTIVATION_CODES.sigmoid.code, constant('SIGMOID'));
  const codes = ACTIVATIONS.map((a) => ACTIVATION_CODES[a].code);
  assert.is(new Set(codes).size, ACTIVATIONS.length, 'distinct codes');
  for (const a of ACTIVATIONS) {
    if (a !== 'identity') assert.ok(shader.includes(`\${${ACTIVATION_CODES[a].define}}`), `activation.wgsl tests ${ACTIVATION_CODES[a].define}`);
  }
});

s('uniform packing puts each named value in its declared word and type; padding is zero', () => {
  const kernel: KernelName = 'gemm';
  const fields = KERNELS[kernel].params;
  const values = Object.fromEntries(fields.map(([n, t], i) => [n, t === 'f32' ? i + 0.5 : i + 1])) as Record<string, number>;
  const buffer = new ArrayBuffer(4 * (PARAM_WORDS + 8));
  const u32 = new Uint32Array(buffer).fill(0xdeadbeef), f32 = new Float32Array(buffer);
  packParams(kernel, values as never, u32, f32, 4);
  fields.forEach(([, t], i) => assert.is(t === 'f32' ? f32[4 + i] : u32[4 + i], t === 'f32' ? i + 0.5 : i + 1, `word ${i}`));
  for (let i = fields.length; i < PARAM_WORDS; i++) assert.is(u32[4 + i], 0, `padding word ${i}`);
  assert.is(u32[3], 0xdeadbeef, 'nothing before the slot is written');
  assert.is(u32[4 + PARAM_WORDS], 0xdeadbeef, 'nothing after the slot is written');
});

s('WASM arguments come out in declared order; chunk slots name their positions', () => {
  const args = wasmArgs('broadcast', { out: 3, x: 1, v: 2, rows: 4, cols: 5, op: 6, batch: 7, vStride: 8 });
  assert.equal(args, [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.equal(argSlots('gemm', ['m', 'n', 'batch', 'a', 'b', 'c', 'scratch']), [0, 1, 13, 3, 6, 9, 17]);
});

s.run();
