/**
 * Draws the report's figures in the page: the package's Vega-Lite specs (figureSpecs), compiled
 * and rendered as SVG by the vega bundled into the lab, each with its caption and key numbers.
 */
import { parse, View } from 'vega';
import { compile } from 'vega-lite';
import { figureSpecs, keyTable, type FigureSpec, type Results, type SectionName } from 'dropout-sme/report';

/** Draws (or redraws) the figures of `section` from `results` into `root`. */
export async function drawSection(root: HTMLElement, results: Results, section: SectionName): Promise<void> {
  for (const f of figureSpecs(results).filter((x) => x.section === section)) await drawFigure(root, f, results);
}

async function drawFigure(root: HTMLElement, f: FigureSpec, results: Results): Promise<void> {
  const box = document.createElement('article');
  box.className = 'figure';
  box.id = `figure-${f.id}`;
  const title = document.createElement('h2');
  title.textContent = f.title;
  const caption = document.createElement('p');
  caption.className = 'caption';
  caption.textContent = f.caption;
  const chart = document.createElement('div');
  chart.className = 'chart';
  box.append(title, caption, chart);
  const table = keyTable(f.id, results);
  if (table) box.append(tableElement(table.head, table.rows));
  const old = root.querySelector(`#figure-${f.id}`);
  if (old) old.replaceWith(box);
  else root.append(box);
  const view = new View(parse(compile(f.spec).spec), { renderer: 'svg', container: chart, hover: false });
  await view.runAsync();
}

function tableElement(head: string[], rows: string[][]): HTMLTableElement {
  const t = document.createElement('table');
  t.className = 'key-numbers';
  const tr = t.createTHead().insertRow();
  for (const h of head) tr.append(Object.assign(document.createElement('th'), { textContent: h }));
  const body = t.createTBody();
  for (const r of rows) {
    const row = body.insertRow();
    for (const c of r) row.insertCell().textContent = c;
  }
  return t;
}
