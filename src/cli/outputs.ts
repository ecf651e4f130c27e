/**
 * The output folder of an experiment run: results.json (every number), config.json (the
 * settings, seed, backend and versions), npy/ (every array), report.html and figures/ (SVG).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { resultsText } from '../experiments/runner.js';
import type { Results } from '../report/results.js';
import { writeArrays } from './arrays.js';
import { writeAtomic } from './files.js';
import { writeReportFiles } from './report-files.js';

export async function writeOutputs(out: string, results: Results): Promise<string[]> {
  mkdirSync(out, { recursive: true });
  writeAtomic(join(out, 'results.json'), resultsText(results));
  writeAtomic(join(out, 'config.json'), JSON.stringify(results.provenance, null, 2) + '\n');
  const arrays = writeArrays(results, join(out, 'npy'));
  const report = await writeReportFiles(results, out);
  return ['results.json', 'config.json', `npy/ (${arrays.length} arrays)`, ...report];
}
