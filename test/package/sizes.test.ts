/**
 * The package's entries as a page downloads them (scripts/sizes.mjs: the entry and its static
 * imports, each gzipped): the core stays under 250 kB gzipped, and only dropout-sme/mnist loads
 * the embedded digits statically (the others reach them by a dynamic import, or not at all).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { entrySizes } from '../../scripts/sizes.mjs';

const root = resolve('.');
const CORE_LIMIT = 250_000; // bytes gzipped (issue 17): the engine without the data, reproduction or report
/** The digits' chunk is the only file over 1 MB (1.59 MB gzipped as built; every other file is < 0.4 MB). */
const DIGITS = 1_000_000;

test('sizes: the core entry is at most 250 kB gzipped', () => {
  assert.ok(existsSync(resolve(root, 'dist/index.js')), 'dist/index.js missing: run npm run build');
  const core = entrySizes(root).find((e) => e.entry === 'dropout-sme')!;
  console.log(`dropout-sme: ${core.files.length} files, ${core.bytes} bytes, ${core.gzip} gzipped`);
  assert.ok(core.gzip <= CORE_LIMIT, `the core is ${core.gzip} bytes gzipped, over ${CORE_LIMIT}`);
});

test('sizes: only dropout-sme/mnist loads the digits when imported', () => {
  const entries = entrySizes(root);
  assert.equal(entries.map((e) => e.entry).sort(), ['dropout-sme', 'dropout-sme/mnist', 'dropout-sme/report', 'dropout-sme/reproduce']);
  for (const e of entries) {
    const big = e.files.filter((f) => statSync(resolve(root, f)).size > DIGITS);
    if (e.entry === 'dropout-sme/mnist') assert.is(big.length, 1, `dropout-sme/mnist should load the digits' chunk: ${e.files.join(', ')}`);
    else assert.equal(big, [], `${e.entry} loads ${big.join(', ')} statically`);
  }
});

test.run();
