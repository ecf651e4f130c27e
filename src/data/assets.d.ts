// esbuild loader (scripts/build.mjs): .gz files are embedded as bytes (the default MNIST subset,
// written by scripts/build-data.mjs to build/data/mnist-10k.bin.gz).
declare module '*.gz' {
  const bytes: Uint8Array;
  export default bytes;
}
