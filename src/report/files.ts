/**
 * Each figure as its own `<id>.svg` file (the README shows them as pictures). Node only:
 * node:fs is imported lazily so that the platform-neutral bundle never loads it.
 */
import type { Results } from './results.js';
import { ArgumentError } from '../errors.js';
import { renderFigures, type RenderedFigure } from './render.js';

/** The text of a figure's .svg file. */
export const svgFileText = (f: RenderedFigure): string => `<?xml version="1.0" encoding="UTF-8"?>\n${f.svg}\n`;

/**
 * Write every figure of `results` to `<dir>/<id>.svg` (atomically: a temporary file, then a
 * rename) and return the paths written. Pass `figures` to reuse an earlier render.
 */
export async function writeFiguresSvg(results: Results, dir: string, options: { figures?: RenderedFigure[] } = {}): Promise<string[]> {
  if (typeof dir !== 'string' || dir.length === 0) throw new ArgumentError('dir', 'a non-empty directory path', dir);
  const figures = options.figures ?? (await renderFigures(results));
  const { mkdir, writeFile, rename } = await import('node:fs/promises');
  const { join } = await import('node:path');
  await mkdir(dir, { recursive: true });
  const paths: string[] = [];
  for (const f of figures) {
    const path = join(dir, `${f.id}.svg`), tmp = `${path}.${process.pid}.tmp`;
    await writeFile(tmp, svgFileText(f));
    await rename(tmp, path);
    paths.push(path);
  }
  return paths;
}
