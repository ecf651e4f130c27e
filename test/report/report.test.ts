/**
 * The report (issue 7): figures drawn from a hand-written Results object (test/report/_fixture.ts)
 * hold the plotted values, one mark per finite data point; nulls are dropped, never drawn as
 * NaN; a missing section drops its figure; report.html is one self-contained, escaped page.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ArgumentError } from 'dropout-sme';
import { escapeHtml, figureSpecs, renderFigures, writeFiguresSvg, writeReport, type RenderedFigure, type Results } from 'dropout-sme/report';
import { staticFiles } from '../../scripts/sizes.mjs';
import { fixture } from './_fixture.js';

const s = suite('report');
const figures = await renderFigures(fixture());
const byId = (id: string, list: RenderedFigure[] = figures) => {
  const f = list.find((x) => x.id === id);
  assert.ok(f, `figure ${id} is drawn`);
  return f!.svg;
};
/** Symbol marks of the plot (legend symbols are role-legend-symbol, not "point"). */
const points = (svg: string) => svg.match(/aria-roledescription="point"/g)?.length ?? 0;
/** The aria-labels of marks of one kind ("point", "rect mark", "line mark"...). */
const labels = (svg: string, role: string) =>
  [...svg.matchAll(new RegExp(`<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="${role}"`, 'g'))].map((m) => m[1]!);

s('every section gives its figures, in report order, with captions', () => {
  assert.equal(figures.map((f) => f.id), ['sme-curves', 'weak-order', 'sweep-heatmap', 'variance-flatness', 'psi-keep', 'alignment-track', 'projected-variance']);
  for (const f of figures) {
    assert.ok(f.svg.startsWith('<svg'), f.id);
    assert.not.ok(/NaN|Infinity|undefined/.test(f.svg), `${f.id} has no NaN/Infinity/undefined`);
    const sentences = f.caption.split(/(?<=\.) /).length;
    assert.ok(sentences >= 2 && sentences <= 3, `${f.id} caption has 2–3 sentences`);
  }
});

s('SME curves: one line and one band per method, a legend naming all five', () => {
  const svg = byId('sme-curves');
  assert.equal(svg.match(/aria-roledescription="line mark"/g)?.length, 5);
  assert.equal(svg.match(/aria-roledescription="area mark"/g)?.length, 5);
  for (const name of ['dropout GD', 'SME order 1', 'SME order 2', 'GD on L_S', 'GD on R_S']) assert.ok(svg.includes(`>${name}</text>`), name);
  assert.ok(svg.includes('time t = N·ε') && svg.includes('training loss R_S'));
  // SME order 2's null record is dropped: its line has 4 vertices, the others 5.
  const d = [...svg.matchAll(/aria-roledescription="line mark"[^>]*d="([^"]*)"/g)].map((m) => m[1]!.split(/[ML]/).filter(Boolean).length);
  assert.equal(d.sort(), [4, 5, 5, 5, 5]);
});

s('weak order: one point per finite error, fitted slopes and intervals in the legend, floor and references drawn', () => {
  const svg = byId('weak-order');
  // Drift-dominated panel: order 1 4 points, order 2 3 (its null at ε = 0.025 dropped); noise-dominated: 4 + 4.
  assert.equal(points(svg), 15);
  assert.ok(svg.includes('drift-dominated regime') && svg.includes('noise-dominated regime'), 'one panel per regime');
  assert.ok(svg.includes('corrected: not resolved (0 points)'));
  assert.ok(svg.includes('order 1: slope 1.04 [0.91, 1.18]'));
  assert.ok(svg.includes('order 2: slope 1.9 [1.52, 2.37]'));
  assert.ok(svg.includes('∝ ε²') && svg.includes('∝ ε<'));
  const pts = labels(svg, 'point');
  assert.ok(pts.some((l) => l.includes('ε: 0.2') && l.includes('error: 2.100e-2') && l.includes('fitted: true')));
  assert.ok(pts.some((l) => l.includes('ε: 0.05') && l.includes('error: 3.100e-4') && l.includes('fitted: true')));
  // The reference ε² passes through order 2's error at the largest ε: 0.0041·(0.025/0.2)² at the smallest.
  assert.ok(svg.includes(`: ${0.0041 * (0.025 / 0.2) ** 2}; ref: ∝ ε²`));
  assert.ok(svg.includes('stroke-dasharray="5,4"'), 'the Monte Carlo floor is dashed');
  assert.ok(svg.includes('stroke-dasharray="6,3,1,3"'), "the integrator's error is dash-dot");
});

s('sweep heatmap: one cell per finite error, cells under the floor marked', () => {
  const svg = byId('sweep-heatmap');
  assert.equal(svg.match(/aria-roledescription="rect mark"/g)?.length, 12); // 12 cells: 11 finite, 1 diverged
  assert.equal(svg.match(/>diverged</g)?.length, 1);
  assert.equal(svg.match(/>&lt; MC floor</g)?.length, 1);
  for (const v of ['0.0029', '0.17', '0.094']) assert.ok(svg.includes(`>${v}</text>`), v);
  assert.ok(svg.includes('p = 0.05  (not resolved)'), 'an unresolved keep says so instead of an order');
  assert.ok(svg.includes('p = 0.05') && svg.includes('p = 0.1  (order 0.98)'), 'small keeps are rows');
  assert.ok(svg.includes('learning rate ε'));
});

s('variance–flatness: one point per bounded direction, one fitted line per run, ψ [interval] and Spearman in the panel titles', () => {
  const svg = byId('variance-flatness');
  // Measured: 5 + 5 + 4 + 4 at keep 0.9 (dropout trajectory has one unbounded direction), 3 + 3 at keep 0.5;
  // predicted (hollow): the window's 4 (a null and the unbounded direction dropped), the stationary 5.
  assert.equal(points(svg), 5 + 5 + 4 + 4 + 3 + 3 + 4 + 5);
  assert.equal(svg.match(/aria-roledescription="line mark"/g)?.length, 6);
  for (const t of ['ψ = 1.18 [0.72, 1.66], Spearman −0.9', 'ψ = 1.91 [1.4, 2.6], Spearman −1', 'ψ = 1.35 [0.95, 2.06], Spearman −0.96', 'ψ = 1.4 [1.02, 1.9], Spearman −1', 'ψ = −0.9 [−1.4, −0.3], Spearman 0.8']) {
    assert.ok(svg.includes(t), t);
  }
  for (const t of ['p = 0.9, dropout, trajectory samples', 'p = 0.9, SGD, trajectory samples', 'p = 0.9, dropout, gradient samples', 'p = 0.9, SGD, gradient samples', 'p = 0.5, dropout, trajectory samples']) assert.ok(svg.includes(t), t);
  const pts = labels(svg, 'point');
  assert.ok(pts.some((l) => l.includes('F: 0.7') && l.includes('σ²: 3.000e-5')));
  assert.ok(pts.some((l) => l.includes('what: predicted: this window') && l.includes('F: 0.04') && l.includes('σ²: 1.800e-3')));
  assert.ok(pts.some((l) => l.includes('what: predicted: stationary') && l.includes('F: 0.41') && l.includes('σ²: 9.000e-5')));
  assert.ok(svg.includes('hollow: linear-response prediction'));
});

s('ψ against keep: measured and predicted ψ per keep, with their intervals', () => {
  const svg = byId('psi-keep');
  // keep 0.9: trajectory, gradient, window-predicted, stationary-predicted; keep 0.5: trajectory, gradient.
  assert.equal(points(svg), 6);
  const pts = labels(svg, 'point');
  for (const [what, keep, psi] of [['dropout trajectory (measured)', 0.5, '−0.9'], ['predicted: this window', 0.9, '1.32'], ['predicted: stationary', 0.9, '0.61'], ['dropout gradient samples (measured)', 0.5, '1.1']] as const) {
    assert.ok(pts.some((l) => l.includes(`what: ${what}`) && l.includes(`p: ${keep}`) && l.includes(`ψ: ${psi}`)), `${what} at ${keep}`);
  }
  // One interval bar per point, and the ψ = 0 line.
  assert.equal(svg.match(/aria-roledescription="rule mark"/g)?.length, 6 + 1);
});

s('alignment: α and the null model per step (nulls dropped), loss below; projected variance with Spearman', () => {
  const track = byId('alignment-track');
  assert.equal(points(track), 4 + 5);
  assert.equal(track.match(/aria-roledescription="area mark"/g)?.length, 1);
  assert.ok(labels(track, 'point').some((l) => l.includes('step: 200') && l.includes('α: 0.51')));
  const pv = byId('projected-variance');
  assert.equal(points(pv), 4); // a null variance and a negative eigenvalue dropped
  assert.ok(pv.includes('Spearman 0.94'));
  assert.ok(labels(pv, 'point').some((l) => l.includes('λ: 12.5') && l.includes('variance: 3.000e-3')));
});

s('a missing section omits its figures; no plottable values omits the figure', async () => {
  const r = fixture();
  delete r.sweep;
  delete r.alignment;
  r.flatness!.runs = r.flatness!.runs.map((run) => ({ ...run, flatness: run.flatness.map(() => null) }));
  const ids = figureSpecs(r).map((f) => f.id);
  // ψ against keep needs only the fitted ψ, which this run still has.
  assert.equal(ids, ['sme-curves', 'weak-order', 'psi-keep']);
  const html = await writeReport(r);
  assert.not.ok(html.includes('id="sweep-heatmap"'));
  assert.ok(html.includes('Not part of this run: ε × p sweep; Hessian–variance alignment.'));
  assert.ok(html.includes('No finite values to draw for: Inverse variance–flatness relation.'));
});

s('specs are plain JSON with no NaN, for the browser lab to render', () => {
  for (const f of figureSpecs(fixture())) {
    const json = JSON.stringify(f.spec);
    assert.not.ok(/NaN|null,null|Infinity/.test(json.replace(/"legend":null|"title":null/g, '')), f.id);
    assert.equal(JSON.parse(json), f.spec);
  }
});

s('report.html: one self-contained page, every figure, escaped text, provenance', async () => {
  const r = fixture();
  r.sme!.workload = 'W3 <script>&';
  const html = await writeReport(r, { figures });
  assert.equal(html.match(/<html/g)?.length, 1);
  assert.equal(html.match(/<\/html>/g)?.length, 1);
  assert.ok(html.startsWith('<!DOCTYPE html>'));
  for (const f of figures) {
    assert.ok(html.includes(`<section id="${f.id}">`), f.id);
    assert.ok(html.includes(escapeHtml(f.caption)), `${f.id} caption`);
  }
  assert.equal(html.match(/<svg/g)?.length, figures.length);
  // No resource is fetched: no scripts, no links to stylesheets or fonts, no remote src/href/url().
  assert.not.ok(/<script|<link|<img|<iframe|@import|@font-face/i.test(html));
  assert.not.ok(/(?:src|href)\s*=\s*["']?\s*(?:https?:)?\/\//i.test(html));
  assert.not.ok(/url\(\s*["']?\s*(?:https?:)?\/\//i.test(html));
  // Inserted text is escaped (the config's "<b>tag</b>" and quotes).
  assert.not.ok(html.includes('<b>tag</b>'));
  assert.ok(html.includes('&lt;b&gt;tag&lt;/b&gt; &amp; \\&quot;quotes\\&quot;'));
  // ids inside the inline SVGs are scoped per figure, so clip paths do not collide.
  const svgIds = [...html.matchAll(/<(?:clipPath|linearGradient)[^>]* id="([^"]+)"/g)].map((m) => m[1]!);
  assert.ok(svgIds.length > 0);
  assert.equal(new Set(svgIds).size, svgIds.length);
  for (const t of ['wasm (WebAssembly SIMD, 2 threads)', 'node v22.0.0', '<th>seed</th><td>7</td>', '<th>preset</th><td>quick</td>', '<details>']) assert.ok(html.includes(t), t);
  // Key numbers: ψ with interval (measured and predicted), fitted orders, α against the null at the end.
  for (const t of ['1.35 [0.95, 2.06]', '<td>1.32 [0.8, 1.9]</td><td>0.61 [0.31, 0.95]</td><td>1.15; 0.9</td>', '1.04 [0.91, 1.18]', '1.9 [1.52, 2.37]', '<td>end (step 200)</td><td>0.51</td><td>3.9e−4 ± 9e−5</td>']) assert.ok(html.includes(t), t);
});

s('a workload name with markup is escaped inside the SVG too', async () => {
  const r = fixture();
  r.sme!.workload = 'W3 <script>&';
  const [f] = await renderFigures({ ...r, weakOrder: undefined, sweep: undefined, flatness: undefined, alignment: undefined } as Results);
  assert.ok(f!.svg.includes('W3 &lt;script&gt;&amp;'));
  assert.not.ok(f!.svg.includes('<script'));
});

s('each figure as <id>.svg on disk', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'dropout-sme-report-'));
  try {
    const paths = await writeFiguresSvg(fixture(), dir, { figures });
    assert.equal(paths.map((p) => p.slice(dir.length + 1)), figures.map((f) => `${f.id}.svg`));
    const text = await readFile(paths[3]!, 'utf8');
    assert.ok(text.startsWith('<?xml') && text.includes(figures[3]!.svg));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

s('degenerate sections still render without NaN: one ε, every cell under the floor, one point, no loss', async () => {
  const r = fixture();
  const why = '1 of 1 learning rates resolved, 3 needed';
  r.weakOrder = [{ ...r.weakOrder![0]!, lrs: [0.1], series: [{ method: 'sme1', errors: [0.01], floors: [0.001], integratorErrors: [1e-4], slope: null, interval: null, fitted: [0], resolved: false, reason: why, diverged: [0] }] }];
  r.sweep = { ...r.sweep!, keeps: [0.5], series: [{ method: 'sme1', errors: [[1e-4, 0, 2e-4]], floors: [[1e-3, 1e-3, 1e-3]], integratorErrors: [[0, 0, 0]], slopes: [null], reasons: ['0 of 3 learning rates resolved, 3 needed'], diverged: [[0, 0, 0]] }] };
  r.flatness!.runs = [{ ...r.flatness!.runs[0]!, variances: [1e-3], flatness: [0.2], psi: null as unknown as number, interval: null as unknown as [number, number] }];
  r.alignment = { ...r.alignment!, loss: r.alignment!.loss.map(() => null as unknown as number), eigenvalues: [2], projectedVariance: [1e-3] };
  r.sme!.methods = { 'dropout-gd': r.sme!.methods['dropout-gd']! };
  const out = await renderFigures(r);
  assert.equal(out.length, 6);
  for (const f of out) assert.not.ok(/NaN|Infinity|undefined/.test(f.svg), f.id);
  assert.ok(byId('weak-order', out).includes('order 1: not resolved (1 points)'));
  assert.equal(byId('sweep-heatmap', out).match(/>&lt; MC floor</g)?.length, 3);
  assert.equal(points(byId('variance-flatness', out)), 1);
  assert.not.ok(byId('alignment-track', out).includes('R_S (log)'), 'no loss panel without loss values');
  // A single resolved cell: a one-value log colour domain.
  r.sweep.series[0]!.errors = [[1e-4, 0, 2e-2]];
  const [one] = (await renderFigures(r)).filter((f) => f.id === 'sweep-heatmap');
  assert.not.ok(/NaN|Infinity/.test(one!.svg));
  assert.ok(one!.svg.includes('>0.02</text>'));
});

s('bad results are named', async () => {
  const bad = (r: unknown, name: string) =>
    assert.throws(() => figureSpecs(r as Results), (e: unknown) => e instanceof ArgumentError && e.argument === name);
  bad(null, 'results');
  bad({ ...fixture(), schema: 'other@1' }, 'results.schema');
  const r = fixture();
  r.sme!.methods['sme1']!.mean.pop();
  bad(r, 'results.sme.methods.sme1.mean');
  const q = fixture();
  q.sweep!.series[0]!.errors[1] = [1];
  bad(q, 'results.sweep.series[0].errors[1]');
  const w = fixture();
  (w.weakOrder![0] as unknown as { series: unknown }).series = { method: 'sme1' };
  bad(w, 'results.weakOrder[0].series');
  const m = fixture();
  (m.weakOrder![1]!.series[0] as unknown as { method: string }).method = 'sme3';
  bad(m, 'results.weakOrder[1].series[0].method');
  const o = fixture();
  (o as unknown as { weakOrder: unknown }).weakOrder = o.weakOrder![0];
  bad(o, 'results.weakOrder');
  // An order printed without being resolved, or unresolved without a reason, is refused.
  const u = fixture();
  u.weakOrder![0]!.series[0]!.resolved = false;
  bad(u, 'results.weakOrder[0].series[0]');
  const v = fixture();
  v.sweep!.series[0]!.reasons[3] = null;
  bad(v, 'results.sweep.series[0].reasons[3]');
  const i = fixture();
  i.weakOrder![0]!.series[1]!.integratorErrors = [1];
  bad(i, 'results.weakOrder[0].series[1].integratorErrors');
  const f = fixture();
  (f.flatness!.runs as unknown[]).push(7);
  bad(f, `results.flatness.runs[${f.flatness!.runs.length - 1}]`);
  const k = fixture();
  (k.flatness!.runs[0] as unknown as { kind: string }).kind = 'other';
  bad(k, 'results.flatness.runs[0].kind');
  const p = fixture();
  delete (p.flatness!.runs[0] as { keep?: number }).keep;
  bad(p, 'results.flatness.runs[0].keep');
  const q2 = fixture();
  q2.flatness!.runs[1]!.predictions![0]!.window.pop();
  bad(q2, 'results.flatness.runs[1].predictions[0].window');
  const q3 = fixture();
  (q3.flatness!.runs[1]!.predictions![0] as unknown as { basis: string }).basis = 'random';
  bad(q3, 'results.flatness.runs[1].predictions[0].basis');
  await writeFiguresSvg(fixture(), '', { figures }).then(() => assert.unreachable(), (e) => assert.instance(e, ArgumentError));
});

s('importing the report does not load vega: only a dynamic import inside the render', async () => {
  // Every file an import of dropout-sme/report loads (its entry and the chunks it imports statically).
  const files = [...staticFiles(fileURLToPath(import.meta.resolve('dropout-sme/report')))];
  const text = (await Promise.all(files.map((f) => readFile(f, 'utf8')))).join('\n');
  assert.not.ok(/^\s*import\b[^;(]*["']vega(-lite)?["']/m.test(text), 'no static import of vega');
  assert.ok(text.includes('import("vega")') && text.includes('import("vega-lite")'));
});

s.run();
