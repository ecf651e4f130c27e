/**
 * The browser lab (dist/lab) in headless Chromium: a run of every section on WASM, with settings
 * small enough for a test, draws each figure as SVG whose marks and key numbers are those of the
 * results the page computed (window.__labResults), and those results equal the same reproduction
 * run in Node (WASM is deterministic; both use the plain SIMD build, as Node 20 lacks relaxed SIMD,
 * whose fused multiply-add rounds differently). WebGPU is checked separately on a tiny SME run, since the
 * quick preset on SwiftShader's software WebGPU takes many minutes (a 2-step SME run: ~16 s).
 * A bad setting shows the package's ArgumentError message. Fails in CI when Chromium is absent.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { createEngine } from 'dropout-sme';
import { reproduce, resultsText, type Results } from 'dropout-sme/reproduce';
import { figureSpecs, keyTable, renderSpec } from 'dropout-sme/report';
import { haveChromium, openChromium, watch, type Session } from '../helpers/chromium.js';
import { webgpuRequired } from '../helpers/engines.js';

/** Every section, tiny: about 5 s on WASM in the page. */
const TINY = {
  sme: { steps: 6, paths: 2, data: { n: 100 } },
  weakOrder: { paths: 40, bootstrap: 50, lrs: [0.2, 0.1], times: [0.5, 1] },
  sweep: { paths: 40, bootstrap: 50, lrs: [0.1, 0.05], keeps: [0.5, 0.9], time: 0.5 },
  flatness: { data: { n: 200 }, burnIn: 10, samples: 8, directions: 4, gradientSamples: 8 },
  alignment: { data: { n: 200 }, steps: 10, every: 5, samples: 4, nullSamples: 2, probes: 4, eigenpairs: 3 },
};
const FIGURES = ['sme-curves', 'weak-order', 'sweep-heatmap', 'variance-flatness', 'alignment-track', 'projected-variance'];

type LabGlobal = { __labState?: string; __labResults?: Results | null; __labBackend?: string };
let session: Session | null = null;
const present = haveChromium('the browser lab test');

test.before(async () => {
  if (!present) return;
  assert.ok(existsSync('dist/lab/index.html') && existsSync('dist/lab/lab.js'), 'dist/lab missing: run npm run build');
  session = await openChromium({ isolated: true });
});
test.after(async () => { await session?.close(); });

async function open(query: Record<string, string>): Promise<{ page: Page; errors: string[] }> {
  const page = await session!.browser.newPage({ acceptDownloads: true });
  const { errors } = watch(page);
  await page.goto(`${session!.url}/dist/lab/index.html?${new URLSearchParams(query)}`);
  return { page, errors };
}

async function runAndWait(page: Page, timeout: number): Promise<string> {
  await page.click('#run');
  await page.waitForFunction(() => (globalThis as LabGlobal).__labState !== 'running', null, { timeout, polling: 200 });
  return page.evaluate(() => (globalThis as LabGlobal).__labState!);
}

/** The aria-labels of an SVG's data marks: vega writes each plotted value into them. */
const markLabels = (svg: string) => [...svg.matchAll(/aria-label="([^"]*)" role="graphics-symbol"/g)].map((m) => m[1]!).sort();
/** The SVG's texts (titles with ψ, slopes, axis labels), tags stripped. */
const texts = (svg: string) => [...svg.matchAll(/<text[^>]*>([\s\S]*?)<\/text>/g)].map((m) => m[1]!.replace(/<[^>]*>/g, '')).sort();
const withoutProvenance = (r: Results) => ({ ...r, provenance: null });

/**
 * Where a and b differ: structure and float32-computed data must be identical; a float64 number
 * may differ by rounding (relative 1e-13), since Chromium's V8 and Node's round Math.log
 * differently in the last bit (seen in the variance–flatness fit's ψ).
 */
function differences(a: unknown, b: unknown, path = 'results', out: string[] = []): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const same = Object.is(a, b) || Math.abs(a - b) <= 1e-13 * Math.max(Math.abs(a), Math.abs(b));
    if (!same) out.push(`${path}: ${a} in the page, ${b} in Node`);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    for (const k of keys) differences((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], `${path}.${k}`, out);
  } else if (a !== b) {
    out.push(`${path}: ${JSON.stringify(a)} in the page, ${JSON.stringify(b)} in Node`);
  }
  return out;
}

test('lab: every section on WASM draws its figures with the computed numbers, equal to Node\'s run', async () => {
  if (!present) return;
  const { page, errors } = await open({ preset: 'quick', seed: '3', backend: 'wasm', simd: 'simd', sections: 'all', config: JSON.stringify(TINY) });
  const t0 = Date.now();
  const state = await runAndWait(page, 60_000);
  console.log(`lab: every section (tiny) on WASM in Chromium: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  assert.is(state, 'done', `the run ended in '${state}': ${await page.textContent('#error')}`);
  assert.match((await page.textContent('#backend'))!, /^running on WASM \(/);
  const results = (await page.evaluate(() => (globalThis as LabGlobal).__labResults))!;
  assert.is(results.provenance.seed, 3);
  assert.is(results.provenance.backend, 'wasm');

  const drawn = await page.$$eval('.figure', (els) => els.map((el) => ({
    id: el.id.replace(/^figure-/, ''),
    svg: el.querySelector('.chart svg')?.outerHTML ?? '',
    table: [...el.querySelectorAll('table tr')].map((tr) => [...tr.children].map((c) => c.textContent ?? '')),
  })));
  assert.equal(drawn.map((f) => f.id), FIGURES, 'every figure, in report order');
  const specs = figureSpecs(results);
  for (const f of drawn) {
    const table = keyTable(f.id as never, results)!;
    assert.equal(f.table, [table.head, ...table.rows], `${f.id}: the key numbers are the results'`);
    assert.ok(texts(f.svg).length > 0, `${f.id}: the SVG has text`);
    const marks = markLabels(f.svg);
    assert.ok(marks.length > 0, `${f.id}: the SVG has data marks`);
    const reference = await renderSpec(specs.find((s) => s.id === f.id)!.spec);
    assert.equal(marks, markLabels(reference), `${f.id}: the marks plot the results`);
    assert.equal(texts(f.svg), texts(reference), `${f.id}: the titles, legends and axes say what the results say`);
  }

  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
  assert.is(readFileSync((await download.path())!, 'utf8'), resultsText(results), 'the download is results.json');

  const engine = await createEngine({ backend: 'wasm', simd: 'simd' });
  try {
    const node = (await reproduce(engine, { preset: 'quick', seed: 3, config: TINY }))!;
    assert.equal(differences(withoutProvenance(results), withoutProvenance(node)), [], 'the page computes what Node computes');
    assert.equal(results.provenance.config, node.provenance.config);
    assert.is(results.provenance.backendDescription, node.provenance.backendDescription);
  } finally {
    engine.dispose();
  }
  assert.equal(errors, [], 'page errors');
  await page.close();
});

test('lab: WebGPU is found and runs a tiny SME section', async () => {
  if (!present) return;
  const config = { sme: { steps: 2, paths: 1, recordEvery: 1, data: { n: 50 } } };
  const { page, errors } = await open({ preset: 'quick', backend: 'auto', sections: 'sme', config: JSON.stringify(config) });
  await page.waitForFunction(() => document.getElementById('capability')?.dataset.webgpu !== undefined, null, { timeout: 20_000 });
  const capability = (await page.textContent('#capability'))!;
  if (!capability.startsWith('WebGPU available')) {
    assert.ok(!webgpuRequired(), `WebGPU is required here, but the lab says: ${capability}`);
    console.log(`NOTE: ${capability}; the lab's WebGPU run did not run`);
    return;
  }
  const state = await runAndWait(page, 60_000);
  assert.is(state, 'done', `the run ended in '${state}': ${await page.textContent('#error')}`);
  assert.match((await page.textContent('#backend'))!, /^running on WebGPU: /);
  const results = (await page.evaluate(() => (globalThis as LabGlobal).__labResults))!;
  assert.is(results.provenance.backend, 'webgpu');
  assert.ok(await page.$('#figure-sme-curves .chart svg'), 'the SME figure is drawn');
  assert.equal(errors, [], 'page errors');
  await page.close();
});

test('lab: a bad setting shows the ArgumentError and runs nothing', async () => {
  if (!present) return;
  const { page, errors } = await open({ preset: 'quick', sections: 'sme' });
  await page.fill('input[name="sme.net.keep"]', '0');
  assert.is(await runAndWait(page, 5_000), 'error');
  assert.is(await page.textContent('#error'), 'Bad setting: config.sme.net.keep: expected a keep probability in (0, 1], got 0');
  assert.is(await page.$('.figure'), null);
  assert.equal(errors, [], 'page errors');
  await page.close();
});

test.run();
