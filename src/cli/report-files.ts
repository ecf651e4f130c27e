/** report.html and one SVG per figure, from results.json's object. */
import type { Results } from '../report/results.js';

export async function writeReportFiles(_results: Results, _out: string): Promise<string[]> {
  return [];
}
