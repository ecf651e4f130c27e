// A tiny static file server on 127.0.0.1 for the browser lab and the browser tests. With
// `isolated`, pages are cross-origin isolated (COOP/COEP), so a worker may share WebAssembly
// memory and the WASM backend can use its threads.
// Usage: node scripts/serve.mjs [port]   serves dist/ and prints the lab's URL (npm run lab).
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html; charset=utf-8', '.css': 'text/css',
  '.json': 'application/json', '.wasm': 'application/wasm', '.map': 'application/json', '.svg': 'image/svg+xml',
};

/** Serves files under `root`; resolves once listening, with the server and its base URL. */
export function serve(root, { port = 0, isolated = false } = {}) {
  const base = resolve(root);
  const server = createServer((req, res) => {
    let path;
    try {
      path = normalize(join(base, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
    } catch {
      res.writeHead(400).end();
      return;
    }
    if (path !== base && !path.startsWith(base + sep)) { res.writeHead(403).end(); return; }
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) { res.writeHead(404).end(); return; }
    const headers = { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' };
    if (isolated) Object.assign(headers, { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' });
    res.writeHead(200, headers).end(readFileSync(path));
  });
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : port}` });
    });
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = join(fileURLToPath(new URL('..', import.meta.url)), 'dist');
  if (!existsSync(join(dist, 'lab/index.html'))) {
    console.error('dist/lab/index.html is missing: run node scripts/build.mjs first');
    process.exit(1);
  }
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const { url } = await serve(dist, { port, isolated: true });
  console.log(`dropout-sme lab: ${url}/lab/   (Ctrl-C to stop)`);
}
