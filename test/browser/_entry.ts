/**
 * Browser entry for the cross-check and kernel suites: runs them under one uvu instance in a page
 * that imports the dist ESM bundle (mapped to 'dropout-sme' by an import map), then sets
 * window.__uvuDone so the Node harness (test/browser.test.ts) can read the result.
 */
type UvuGlobals = { UVU_DEFER?: number; UVU_QUEUE?: unknown[][]; UVU_INDEX?: number; __uvuDone?: boolean; __uvuError?: string };
const g = globalThis as UvuGlobals;
g.UVU_DEFER = 1;
g.UVU_QUEUE = [];

try {
  g.UVU_QUEUE.push(['crosscheck.test (browser)']);
  g.UVU_INDEX = 0;
  await import('../crosscheck.test.js');
  g.UVU_QUEUE.push(['kernels.test (browser)']);
  g.UVU_INDEX = 1;
  await import('../kernels.test.js');
  const { exec } = await import('uvu');
  await exec();
} catch (err) {
  g.__uvuError = String((err as Error)?.stack ?? err);
} finally {
  g.__uvuDone = true;
}
export {};
