/**
 * Figures rendered to SVG strings through vega, headless (renderer 'none': no canvas, no
 * network). vega and vega-lite are imported lazily so that importing the package never loads them.
 */
import type { Results } from './results.js';
import { figureSpecs, type FigureId, type FigureSpec } from './figures/index.js';

/** A figure rendered to SVG. */
export interface RenderedFigure {
  /** Which figure (its file name is `<id>.svg`). */
  id: FigureId;
  /** Its title. */
  title: string;
  /** How to read it. */
  caption: string;
  /** The standalone SVG document. */
  svg: string;
}

/** Compiles one Vega-Lite spec and renders it to an SVG string (imports vega and vega-lite on first use). */
export async function renderSpec(spec: FigureSpec['spec']): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/**
 * Every figure `results` can draw, as { id, title, caption, svg }, in report order.
 *
 * @throws `ArgumentError` when `results` is not a valid results object (see checkResults).
 */
export async function renderFigures(results: Results): Promise<RenderedFigure[]> {
  const specs = figureSpecs(results);
  const out: RenderedFigure[] = [];
  for (const f of specs) out.push({ id: f.id, title: f.title, caption: f.caption, svg: await renderSpec(f.spec) });
  return out;
}
