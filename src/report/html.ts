/**
 * report.html: one self-contained page (inline SVG and CSS, no scripts, no external resources)
 * holding every figure with its caption and key numbers, and the provenance of the run.
 */
import type { Results } from './results.js';
import { checkResults } from './check.js';
import { FIGURES } from './figures/index.js';
import { renderFigures, type RenderedFigure } from './render.js';
import { keyTable, type KeyTable } from './tables.js';

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * Prefix every id in an SVG (and the references to it) so several inline SVGs in one page do
 * not resolve each other's clip paths and gradients: vega numbers them from 1 in each render.
 */
export function scopeSvgIds(svg: string, prefix: string): string {
  return svg
    .replace(/\sid="([^"]+)"/g, ` id="${prefix}$1"`)
    .replace(/url\(#([^)]+)\)/g, `url(#${prefix}$1)`)
    .replace(/href="#([^"]+)"/g, `href="#${prefix}$1"`);
}

const SECTION_NAMES: Record<string, string> = {
  sme: 'dropout GD against its SME', weakOrder: 'weak-order study', sweep: 'ε × p sweep',
  flatness: 'inverse variance–flatness', alignment: 'Hessian–variance alignment',
};

const CSS = `
:root { --ink: #1f2328; --muted: #5b626b; --rule: #e3e5e8; --accent: #b03a48; --paper: #fcfcfb; }
* { box-sizing: border-box; }
html { background: var(--paper); }
body { margin: 0 auto; max-width: 1000px; padding: 48px 32px 80px; color: var(--ink);
  font: 17px/1.55 "Iowan Old Style", "Palatino Linotype", Palatino, "Book Antiqua", Georgia, serif; }
h1 { font-size: 30px; line-height: 1.2; margin: 0 0 6px; font-weight: 600; letter-spacing: -0.01em; }
h2 { font-size: 21px; margin: 0 0 4px; font-weight: 600; }
.lede { color: var(--muted); margin: 0 0 28px; font-size: 16px; }
nav ol { margin: 0; padding-left: 22px; columns: 2; font-size: 15px; }
nav a, a { color: var(--accent); text-decoration: none; }
nav a:hover { text-decoration: underline; }
section, nav, .provenance { border-top: 1px solid var(--rule); padding: 26px 0 8px; }
figure { margin: 14px 0 8px; }
.plot { background: white; border: 1px solid var(--rule); border-radius: 6px; padding: 12px; overflow-x: auto; text-align: center; }
.plot svg { max-width: 100%; height: auto; }
figcaption { margin: 12px 4px 0; font-size: 15.5px; color: #30363d; }
figcaption b { font-weight: 600; color: var(--ink); }
table { border-collapse: collapse; margin: 14px 0 6px; font: 13.5px/1.4 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
  font-variant-numeric: tabular-nums; }
th, td { padding: 5px 14px 5px 0; text-align: left; border-bottom: 1px solid var(--rule); vertical-align: top; }
th { font-weight: 600; color: var(--muted); border-bottom-color: #c9cdd2; }
.provenance th { width: 190px; color: var(--muted); font-weight: 600; border-bottom-color: var(--rule); }
details { margin: 12px 0; font: 14px system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; }
summary { cursor: pointer; color: var(--accent); }
pre { background: #f4f5f6; border: 1px solid var(--rule); border-radius: 6px; padding: 12px 14px; overflow-x: auto;
  font: 12.5px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.note { color: var(--muted); font-size: 15px; }
footer { border-top: 1px solid var(--rule); margin-top: 30px; padding-top: 12px; color: var(--muted); font-size: 13.5px; }
@media print { body { max-width: none; padding: 0; } section { break-inside: avoid; } .plot { border: none; } }
`;

function table(t: KeyTable): string {
  const head = t.head.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const rows = t.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`;
}

function provenance(r: Results): string {
  const p = r.provenance;
  const rows: [string, string][] = [
    ['package', `${p.package} ${p.version}`],
    ['backend', `${p.backend} (${p.backendDescription})`],
    ['runtime', p.runtime],
    ['seed', String(p.seed)],
    ['preset', p.preset],
    ['schema', r.schema],
  ];
  const body = rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('\n');
  return `<div class="provenance" id="provenance">
<h2>How these numbers were made</h2>
<table>
<tbody>
${body}
</tbody>
</table>
<details><summary>configuration of every experiment (JSON)</summary>
<pre>${escapeHtml(JSON.stringify(p.config, null, 2))}</pre>
</details>
</div>`;
}

/** Options of {@link writeReport}. */
export interface ReportOptions {
  /** Figures already rendered by renderFigures(results), to avoid rendering twice. */
  figures?: RenderedFigure[];
  /** The page title (default: the package's name and the preset). */
  title?: string;
}

/**
 * The complete, self-contained report.html for `results`, as a string: every figure inline as
 * SVG with its caption and key numbers, and how the run was made. No network needed to view it.
 *
 * @throws `ArgumentError` when `results` is not a valid results object (see checkResults).
 * @example
 * ```ts
 * import { writeReport } from 'dropout-sme/report';
 * await writeFile('report.html', await writeReport(results));
 * ```
 */
export async function writeReport(results: Results, options: ReportOptions = {}): Promise<string> {
  checkResults(results);
  const figures = options.figures ?? (await renderFigures(results));
  const p = results.provenance;
  const title = options.title ?? `Dropout as a stochastic modified equation: results (${p.preset})`;
  const sections = figures.map((f, i) => {
    const t = keyTable(f.id, results);
    return `<section id="${escapeHtml(f.id)}">
<h2>Figure ${i + 1}. ${escapeHtml(f.title)}</h2>
<figure>
<div class="plot">${scopeSvgIds(f.svg, `${f.id}-`)}</div>
<figcaption><b>How to read it.</b> ${escapeHtml(f.caption)}</figcaption>
</figure>
${t ? table(t) : ''}
</section>`;
  });
  const drawn = new Set(figures.map((f) => f.id));
  const missing = Object.keys(SECTION_NAMES).filter((k) => results[k as keyof Results] === undefined).map((k) => SECTION_NAMES[k]!);
  const empty = FIGURES.filter((f) => results[f.section] !== undefined && !drawn.has(f.id)).map((f) => f.title);
  const notes = [
    missing.length ? `Not part of this run: ${missing.join('; ')}.` : '',
    empty.length ? `No finite values to draw for: ${empty.join('; ')}.` : '',
  ].filter(Boolean).map((n) => `<p class="note">${escapeHtml(n)}</p>`).join('\n');
  const nav = figures.map((f, i) => `<li><a href="#${escapeHtml(f.id)}">Figure ${i + 1}. ${escapeHtml(f.title)}</a></li>`).join('\n');
  const lede = `${p.package} ${p.version} on ${p.backend}, seed ${p.seed}, preset “${p.preset}”. `
    + `${figures.length} figure${figures.length === 1 ? '' : 's'}; every number here is in results.json beside this file.`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${escapeHtml(`${p.package} ${p.version}`)}">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${escapeHtml(title)}</h1>
<p class="lede">${escapeHtml(lede)}</p>
</header>
<nav aria-label="figures">
<ol>
${nav}
</ol>
${notes}
</nav>
${sections.join('\n')}
${provenance(results)}
<footer>Made by ${escapeHtml(p.package)} ${escapeHtml(p.version)} from results.json (${escapeHtml(results.schema)}); figures drawn with Vega-Lite.</footer>
</body>
</html>
`;
}
