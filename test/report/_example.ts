/** Writes .tmp/example-report.html and .tmp/figures/*.svg from the test fixture (for looking at). */
import { writeFile, mkdir } from 'node:fs/promises';
import { renderFigures, writeReport, writeFiguresSvg } from 'dropout-sme/report';
import { fixture } from './_fixture.js';

const r = fixture();
const figures = await renderFigures(r);
await mkdir('.tmp', { recursive: true });
await writeFile('.tmp/example-report.html', await writeReport(r, { figures }));
console.log(await writeFiguresSvg(r, '.tmp/figures', { figures }));
