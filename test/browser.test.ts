/**
 * Headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader) imports the dist ESM bundle
 * and runs the cross-check and kernel suites; this Node test serves the files on 127.0.0.1, drives
 * the page with playwright-core and fails on any failed test, page error, or missing adapter.
 * Where no Chromium is installed it fails if WebGPU is required (CI) and otherwise says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createServer, type Server } from 'node:http';
import { existsSync, readFileSync, mkdirSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { webgpuRequired } from './helpers/engines.js';

const root = resolve('.');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const TYPES: Record<string, string> = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.html': 'text/html', '.wasm': 'application/wasm', '.map': 'application/json' };

function serve(): Promise<{ server: Server; url: string }> {
  return new Promise((ok) => {
    const server = createServer((req, res) => {
      const path = normalize(join(root, decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)));
      if (!path.startsWith(root) || !existsSync(path)) { res.writeHead(404).end(); return; }
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream' }).end(readFileSync(path));
    });
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` });
    });
  });
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>dropout-sme cross-check</title><link rel="icon" href="data:,">
<script type="importmap">{"imports":{"dropout-sme":"/dist/index.js"}}</script>
<script>globalThis.DROPOUT_SME_REQUIRE_WEBGPU = true;</script>
<script type="module" src="/build/browser/entry.js"></script>`;

test('browser: cross-check suite in headless Chromium through the dist bundle', async () => {
  if (!existsSync(chromiumPath)) {
    assert.ok(!webgpuRequired(), `Chromium not found at ${chromiumPath}, and WebGPU is required here (install Debian's chromium)`);
    console.log(`NOTE: Chromium not found at ${chromiumPath}; the browser cross-check did not run`);
    return;
  }
  assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/index.js missing: run npm run build');
  mkdirSync(join(root, 'build/browser'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'test/browser/_entry.ts')], outfile: join(root, 'build/browser/entry.js'),
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', external: ['dropout-sme'], logLevel: 'warning',
  });
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(root, 'build/browser/index.html'), PAGE);

  const { chromium } = await import('playwright-core');
  const { server, url } = await serve();
  const browser = await chromium.launch({
    executablePath: chromiumPath,
    args: ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--no-sandbox',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
  const lines: string[] = [];
  const pageErrors: string[] = [];
  try {
    const page = await browser.newPage();
    page.on('console', (m) => lines.push(m.text()));
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.goto(`${url}/build/browser/index.html`);
    await page.waitForFunction(() => (globalThis as { __uvuDone?: boolean }).__uvuDone === true, null, { timeout: 600_000, polling: 500 });
    const error = await page.evaluate(() => (globalThis as { __uvuError?: string }).__uvuError ?? null);
    const out = lines.join('');
    process.stdout.write(`\n--- browser output ---\n${out}\n--- end browser output ---\n`);
    assert.is(error, null, `browser suite crashed: ${error}`);
    assert.equal(pageErrors, [], 'page errors');
    const total = Number(/Total:\s+(\d+)/.exec(out)?.[1]), passed = Number(/Passed:\s+(\d+)/.exec(out)?.[1]);
    assert.ok(total > 0, 'the browser ran no test');
    assert.is(passed, total, `browser: ${total - passed} of ${total} tests failed`);
    assert.match(out, /cross-check WASM vs WebGPU \(browser\)/);
  } finally {
    await browser.close();
    server.close();
  }
});

test.run();
