/**
 * Finds a WebGPU entry point: `navigator.gpu` in browsers and Deno; in Node the optional
 * dependency `webgpu` (Dawn), imported through a variable specifier so bundlers leave it alone.
 * Never throws: when WebGPU is not there, the result says exactly what is missing.
 */

export type GPUProviderResult = { gpu: GPU; source: string } | { gpu: null; reason: string };

/** The hint appended to every "no adapter" style reason when running under Node. */
export const NODE_HINT =
  'in Node install the optional dependency `webgpu` and a Vulkan driver ' +
  '(e.g. SwiftShader from Debian\'s chromium: VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json, ' +
  'or Mesa\'s lavapipe from mesa-vulkan-drivers)';

interface RuntimeGlobals {
  navigator?: { gpu?: GPU; userAgent?: string };
  Deno?: { version?: { deno?: string } };
  process?: { versions?: { node?: string } };
}

export function runtimeName(): 'deno' | 'node' | 'browser' | 'unknown' {
  const g = globalThis as unknown as RuntimeGlobals;
  if (g.Deno?.version?.deno) return 'deno';
  if (g.process?.versions?.node) return 'node';
  if (g.navigator?.userAgent !== undefined) return 'browser';
  return 'unknown';
}

let nodeModule: Promise<GPUProviderResult> | null = null;

async function loadNodeWebGPU(): Promise<GPUProviderResult> {
  // A variable specifier: esbuild/webpack/vite do not try to resolve or bundle it.
  const specifier = ['web', 'gpu'].join('');
  let mod: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
  try {
    mod = await import(/* @vite-ignore */ /* webpackIgnore: true */ specifier);
  } catch (err) {
    return {
      gpu: null,
      reason: `no WebGPU in Node: the optional dependency \`webgpu\` could not be loaded (${(err as Error)?.message ?? err}); ${NODE_HINT}`,
    };
  }
  try {
    // Dawn's classes (GPUBufferUsage, …) as globals, without overriding anything already defined.
    const g = globalThis as Record<string, unknown>;
    for (const [k, v] of Object.entries(mod.globals ?? {})) if (!(k in g)) g[k] = v;
    const gpu = mod.create([]);
    return { gpu, source: 'node: npm package `webgpu` (Dawn)' };
  } catch (err) {
    return { gpu: null, reason: `no WebGPU in Node: \`webgpu\` loaded but create() failed (${(err as Error)?.message ?? err}); ${NODE_HINT}` };
  }
}

export async function getGPU(): Promise<GPUProviderResult> {
  const g = globalThis as unknown as RuntimeGlobals;
  const runtime = runtimeName();
  if (g.navigator?.gpu) return { gpu: g.navigator.gpu, source: `${runtime}: navigator.gpu` };
  if (runtime === 'node') {
    nodeModule ??= loadNodeWebGPU();
    const r = await nodeModule;
    if (!r.gpu) nodeModule = null; // allow a retry after installing
    return r;
  }
  if (runtime === 'deno') {
    return { gpu: null, reason: 'no WebGPU in Deno: navigator.gpu is undefined (run with a Deno build that has WebGPU, and a Vulkan driver such as lavapipe: VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.x86_64.json)' };
  }
  if (runtime === 'browser') {
    return { gpu: null, reason: 'no WebGPU in this browser: navigator.gpu is undefined (needs a secure context and a browser with WebGPU enabled, e.g. Chromium with --enable-unsafe-webgpu)' };
  }
  return { gpu: null, reason: 'no WebGPU: navigator.gpu is undefined and this runtime is not Node' };
}
