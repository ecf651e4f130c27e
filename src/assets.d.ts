// esbuild loaders (scripts/build.mjs): .wasm files are embedded as bytes, .wgsl files as text.
declare module '*.wasm' {
  const bytes: Uint8Array;
  export default bytes;
}
declare module '*.wgsl' {
  const source: string;
  export default source;
}
