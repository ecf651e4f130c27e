// What a page downloads when it imports each of the package's entries (package.json "exports"):
// the entry's file and every file it imports statically (dist/chunks/…), each gzipped as a server
// sends it (zlib's default level, as `gzip`). Dynamic imports are not counted: they load only when
// called (the digits behind reproduce's default data, the dense Hessian).
// Usage: node scripts/sizes.mjs   (after a build; prints a Markdown table)
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Relative static import/export specifiers of an ES module's text (esbuild's output format). */
const STATIC = /^\s*(?:import|export)\b[^;'"()]*?["'](\.{1,2}\/[^"']+)["']/gm;

/** The file and every file it imports statically, transitively (absolute paths). */
export function staticFiles(file, seen = new Set()) {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const m of readFileSync(file, 'utf8').matchAll(STATIC)) staticFiles(resolve(dirname(file), m[1]), seen);
  return seen;
}

/** Each export of the package at `root`: its name, file, files loaded, bytes and gzipped bytes. */
export function entrySizes(root) {
  const { name, exports } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  return Object.entries(exports).filter(([, to]) => typeof to === 'object').map(([from, to]) => {
    const files = [...staticFiles(join(root, to.default))];
    const texts = files.map((f) => readFileSync(f));
    return {
      entry: `${name}${from.slice(1)}`, file: to.default.slice(2), files: files.map((f) => relative(root, f)),
      bytes: texts.reduce((s, t) => s + t.length, 0), gzip: texts.reduce((s, t) => s + gzipSync(t).length, 0),
    };
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
  console.log('| entry | files loaded | size | gzipped |\n|---|---|---|---|');
  for (const e of entrySizes(join(dirname(fileURLToPath(import.meta.url)), '..'))) {
    console.log(`| \`${e.entry}\` | ${e.files.length} | ${kB(e.bytes)} | ${kB(e.gzip)} |`);
  }
}
