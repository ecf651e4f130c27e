/**
 * Headless Chromium for the browser tests: Debian's /usr/bin/chromium (or CHROMIUM_PATH) driven by
 * playwright-core, WebGPU on SwiftShader, pages served from the repository on 127.0.0.1.
 */
import * as assert from 'uvu/assert';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { serve } from '../../scripts/serve.mjs';
import { webgpuRequired } from './engines.js';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const FLAGS = [
  '--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan', '--no-sandbox',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
];

/**
 * Whether Chromium is installed. Where it is not, fails if WebGPU is required here (CI), and
 * otherwise says that `what` did not run.
 */
export function haveChromium(what: string): boolean {
  if (existsSync(chromiumPath)) return true;
  assert.ok(!webgpuRequired(), `Chromium not found at ${chromiumPath}, and WebGPU is required here (install Debian's chromium)`);
  console.log(`NOTE: Chromium not found at ${chromiumPath}; ${what} did not run`);
  return false;
}

export interface Session {
  browser: Browser;
  /** Base URL of the served files. */
  url: string;
  close(): Promise<void>;
}

/** Serves the repository, or `root` (cross-origin isolated if asked), and launches Chromium. */
export async function openChromium(options: { isolated?: boolean; root?: string } = {}): Promise<Session> {
  const { chromium } = await import('playwright-core');
  const { server, url } = await serve(options.root ?? resolve('.'), { isolated: options.isolated ?? false });
  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: chromiumPath, args: FLAGS });
  } catch (err) {
    server.close();
    throw err;
  }
  return { browser, url, close: async () => { await browser.close(); server.close(); } };
}

/** Collects a page's console lines and uncaught errors. */
export function watch(page: Page): { lines: string[]; errors: string[] } {
  const out = { lines: [] as string[], errors: [] as string[] };
  page.on('console', (m) => out.lines.push(m.text()));
  page.on('pageerror', (e) => out.errors.push(String(e)));
  return out;
}
