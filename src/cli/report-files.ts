/** report.html and one SVG per figure (figures/<id>.svg), from results.json's object, rendered once. */
import { join } from 'node:path';
import { renderFigures } from '../report/render.js';
import { writeReport } from '../report/html.js';
import { writeFiguresSvg } from '../report/files.js';
import type { Results } from '../report/results.js';
import { writeAtomic } from './files.js';

export async function writeReportFiles(results: Results, out: string): Promise<string[]> {
  const figures = await renderFigures(results);
  writeAtomic(join(out, 'report.html'), await writeReport(results, { figures }));
  const svgs = await writeFiguresSvg(results, join(out, 'figures'), { figures });
  return ['report.html', `figures/ (${svgs.length} SVG)`];
}
