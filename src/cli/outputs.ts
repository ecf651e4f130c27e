/**
 * The output folder of an experiment run: results.json (every number), config.json (the
 * settings, seed, backend and versions), npy/ (every array), report.html and figures/ (SVG).
 * Everything is prepared first, then every name is claimed in the folder's marker, then each file
 * is written atomically.
 */
import { resultsText } from '../experiments/runner.js';
import { svgFileText } from '../report/files.js';
import { writeReport } from '../report/html.js';
import { renderFigures } from '../report/render.js';
import type { Results } from '../report/results.js';
import { arrayFiles } from './arrays.js';
import type { RunScope } from './run-scope.js';

export async function writeOutputs(scope: Pick<RunScope, 'folder' | 'write'>, results: Results): Promise<string[]> {
  const arrays = arrayFiles(results);
  const figures = await renderFigures(results);
  const report = await writeReport(results, { figures });
  const files: [string, string | Uint8Array][] = [
    ['results.json', resultsText(results)],
    ['config.json', JSON.stringify(results.provenance, null, 2) + '\n'],
    ...arrays.map((a): [string, Uint8Array] => [`npy/${a.name}`, a.bytes]),
    ['report.html', report],
    ...figures.map((f): [string, string] => [`figures/${f.id}.svg`, svgFileText(f)]),
  ];
  scope.folder.claim(files.map(([name]) => name));
  for (const [name, data] of files) scope.write(name, data);
  return ['results.json', 'config.json', `npy/ (${arrays.length} arrays)`, 'report.html', `figures/ (${figures.length} SVG)`];
}
