/**
 * Headless Chromium (Debian's /usr/bin/chromium, WebGPU on SwiftShader) imports the dist ESM bundle
 * and runs the cross-check and kernel suites; this Node test serves the files on 127.0.0.1, drives
 * the page with playwright-core and fails on any failed test, page error, or missing adapter.
 * Where no Chromium is installed it fails if WebGPU is required (CI) and otherwise says so.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { haveChromium, openChromium, watch } from './helpers/chromium.js';

const root = resolve('.');

const PAGE = `<!doctype html><meta charset="utf-8"><title>dropout-sme cross-check</title><link rel="icon" href="data:,">
<script type="importmap">{"imports":{"dropout-sme":"/dist/index.js"}}</script>
<script>globalThis.DROPOUT_SME_REQUIRE_WEBGPU = true;</script>
<script type="module" src="/build/browser/entry.js"></script>`;

test('browser: cross-check suite in headless Chromium through the dist bundle', async () => {
  if (!haveChromium('the browser cross-check')) return;
  assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/index.js missing: run npm run build');
  mkdirSync(join(root, 'build/browser'), { recursive: true });
  await esbuild.build({
    entryPoints: [join(root, 'test/browser/_entry.ts')], outfile: join(root, 'build/browser/entry.js'),
    bundle: true, format: 'esm', platform: 'browser', target: 'es2022', external: ['dropout-sme'], logLevel: 'warning',
  });
  writeFileSync(join(root, 'build/browser/index.html'), PAGE);

  const session = await openChromium();
  try {
    const page = await session.browser.newPage();
    const { lines, errors: pageErrors } = watch(page);
    await page.goto(`${session.url}/build/browser/index.html`);
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
    await session.close();
  }
});

test.run();
