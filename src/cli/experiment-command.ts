/**
 * reproduce, sme, flatness and align: run a preset's experiments (a subset of sections) with
 * checkpoints, --resume, --shard and the output folder. A shard writes partial-i-of-N.json for
 * `merge`; a whole run writes results.json and the report. Settings, data and the output folder
 * are checked before anything is computed; SIGINT/SIGTERM stop the run between steps, keeping
 * the finished units for --resume.
 */
import { closestSentence, smeLabel } from '../report/sme-names.js';
import { join } from 'node:path';
import { createEngine } from '../engine.js';
import { ArgumentError, DeviceLostError } from '../errors.js';
import { formatError } from '../data/bytes.js';
import {
  assemble, checkMemory, experimentsFor, memoryBudget, parseConfigText, planUnits, predictionBases, provenance, reproduceConfig, runUnits, shardUnits, Workloads,
  type PresetName, type SectionName,
} from '../experiments/index.js';
import type { Provenance } from '../report/results.js';
import { DirectoryStore, readTextLimited, unitFileName } from './files.js';
import { classesOption, COMMON_HELP, engineOptions, intOption, parse, shardOption } from './options.js';
import { loadDataOption } from './data-files.js';
import { writeOutputs } from './outputs.js';
import { progressBar } from './progress.js';
import { withOutFolder } from './run-scope.js';

export const PARTIAL_SCHEMA = 'dropout-sme/partial@1';

/** What a shard writes and merge reads. */
export interface ShardPartial {
  schema: typeof PARTIAL_SCHEMA;
  command: string;
  sections: SectionName[];
  shard: { index: number; count: number };
  provenance: Provenance;
  units: Record<string, unknown>;
}

export const EXPERIMENT_OPTIONS = {
  quick: { type: 'boolean', default: false },
  full: { type: 'boolean', default: false },
  config: { type: 'string' },
  sections: { type: 'string' },
  resume: { type: 'boolean', default: false },
  shard: { type: 'string' },
} as const;

/** Largest --config file (parseConfigText's limit, checked before reading further). */
const MAX_CONFIG_BYTES = 1 << 20;

/** Options of the commands that run the flatness section. */
export const FLATNESS_OPTIONS = { predict: { type: 'string' } } as const;

const FLATNESS_HELP = `  --predict <bases>             linear-response prediction of the dropout window: pca (default),
                                hessian, pca,hessian or none
`;

export const experimentHelp = (command: string, what: string, sections: readonly SectionName[]) => `Usage: dropout-sme ${command} [options]

${what}

Options:
  --quick                       small settings (about 80 s of CPU time on 2 cores)
  --full                        the paper's scale (hours on a CPU; flatness at keeps 0.5, 0.7, 0.9)
${sections.includes('flatness') ? FLATNESS_HELP : ''}  --config <file.json>          override any setting of the preset (see config.json of a run)
  --sections <a,b,…>            only these of its sections: ${sections.join(', ')}
  --resume                      continue a stopped run from its checkpoint in --out
  --shard <i/N>                 run only shard i of N and write partial-i-of-N.json for merge
${COMMON_HELP}`;

function sectionsOption(v: unknown, allowed: readonly SectionName[]): SectionName[] {
  if (v === undefined) return [...allowed];
  const list = String(v).split(',').map((s) => s.trim());
  if (list.some((s) => !allowed.includes(s as SectionName)) || new Set(list).size !== list.length) {
    throw new ArgumentError('--sections', `distinct sections from ${allowed.join(', ')}`, v);
  }
  return allowed.filter((s) => list.includes(s));
}

export async function experimentCommand(command: string, what: string, allowed: SectionName[], argv: string[]): Promise<void> {
  const { values } = parse(argv, allowed.includes('flatness') ? { ...EXPERIMENT_OPTIONS, ...FLATNESS_OPTIONS } : EXPERIMENT_OPTIONS);
  if (values.help) {
    process.stdout.write(experimentHelp(command, what, allowed));
    return;
  }
  if (values.quick && values.full) throw new ArgumentError('--quick/--full', 'at most one of them', 'both');
  const name: PresetName = values.quick ? 'quick' : values.full ? 'full' : 'default';
  const seed = intOption('seed', values.seed, 0, 0xffffffff);
  const shard = shardOption(values.shard);
  const sections = sectionsOption(values.sections, allowed);
  const out = (values.out as string | undefined) ?? `dropout-sme-${command}`;
  let overrides = values.config ? parseConfigText(readTextLimited('--config', values.config as string, MAX_CONFIG_BYTES), '--config') : undefined;
  if (values.predict !== undefined) {
    predictionBases(values.predict, '--predict');
    const flat = overrides?.['flatness'];
    overrides = { ...overrides, flatness: { ...(flat !== null && typeof flat === 'object' ? flat : {}), predict: values.predict } };
  }
  const classes = classesOption(values.classes, values.data);
  const custom = values.data ? await loadDataOption(values.data as string, values.labels as string | undefined, classes) : null;
  const config = reproduceConfig({ preset: name, seed, ...(overrides ? { config: overrides } : {}), ...(custom ? { data: custom } : {}) });
  const experiments = experimentsFor(config, sections);

  const tag = shard ? `-shard-${shard.index + 1}-of-${shard.count}` : '';
  const ckptName = `checkpoint${tag}`, ckptDir = join(out, ckptName), stampName = `checkpoint${tag}.json`;
  const resume = values.resume as boolean;
  const slot = `run${tag}`;
  let engine = await createEngine(engineOptions(values));
  let workloads: Workloads | null = null;
  try {
    checkMemory(config, sections, custom, memoryBudget(engine));
    await withOutFolder(out, { command, slot, force: values.force as boolean, resume }, `the finished units are kept in ${ckptDir}; rerun with --resume to continue`, async (scope) => {
      workloads = new Workloads(engine, custom);
      const prov = provenance(engine, seed, name, config as unknown as Record<string, unknown>);
      const stamp = JSON.stringify({ command, sections, provenance: prov, data: custom?.name ?? null });
      if (resume) {
        let held: string;
        try {
          held = readTextLimited('--resume', join(out, stampName), MAX_CONFIG_BYTES * 16);
        } catch {
          throw formatError('--resume', `a checkpoint in ${out}`, 'none found (run without --resume)');
        }
        if (held !== stamp) throw new ArgumentError('--resume', 'the same command, settings, seed and backend as the checkpointed run', 'different settings');
      }
      // Every file the run may write into the checkpoint, claimed before the first is written.
      scope.folder.claim([stampName, ...planUnits(experiments).map((u) => `${ckptName}/${unitFileName(u.key)}`)]);
      const store = new DirectoryStore(ckptDir, { load: resume });
      scope.write(stampName, stamp);

      console.error(`dropout-sme ${command}: ${name} settings, seed ${seed}, backend ${engine.backend} (${engine.backendInfo.reason})${shard ? `, shard ${shard.index + 1}/${shard.count}` : ''}`);
      const bar = progressBar(command);
      const run = () => runUnits(experiments, { engine, workloads: workloads!, store, signal: scope.signal, ...(shard ? { shard } : {}), onProgress: (p) => bar.update(p) });
      try {
        await run();
      } catch (e) {
        // Losing the GPU keeps every finished unit (they are checkpointed); the rest runs on WASM.
        if (!(e instanceof DeviceLostError)) throw e;
        process.stderr.write(`\n${e.message}; continuing on WASM from the ${Object.keys(store.entries()).length} finished units\n`);
        workloads!.dispose();
        engine.dispose();
        engine = await createEngine({ ...engineOptions(values), backend: 'wasm' });
        workloads = new Workloads(engine, custom);
        prov.backendDescription += ` (device lost: ${e.reason}; later units ran on WASM: ${engine.backendInfo.description})`;
        await run();
      }
      bar.end();
      scope.signal.throwIfAborted();
      if (shard) {
        const planned = planUnits(experiments);
        const mine = new Set(shardUnits(planned, shard).map((u) => u.key)), others = new Set(planned.map((u) => u.key));
        // The shard's own units plus any dependency it computed (merge takes each key once).
        const units = Object.fromEntries(Object.entries(store.entries()).filter(([k]) => mine.has(k) || !others.has(k)));
        const partial: ShardPartial = { schema: PARTIAL_SCHEMA, command, sections, shard, provenance: prov, units };
        const file = `partial-${shard.index + 1}-of-${shard.count}.json`;
        scope.write(file, JSON.stringify(partial));
        console.error(`wrote ${join(out, file)} (${Object.keys(units).length} units); combine all ${shard.count} with: dropout-sme merge ${join(out, 'partial-*.json')} --out <dir>`);
        return;
      }
      const results = assemble(experiments, store, prov);
      const files = await writeOutputs(scope, results);
      console.error(`wrote ${out}/: ${files.join(', ')}`);
      summarise(results);
    });
  } finally {
    (workloads as Workloads | null)?.dispose();
    engine.dispose();
  }
}

/** The headline numbers, on stdout. */
export function summarise(r: ReturnType<typeof assemble>): void {
  const f = (v: number | null | undefined, d = 3) => (v === null || v === undefined || !Number.isFinite(v) ? 'n/a' : v.toFixed(d));
  for (const w of r.weakOrder ?? []) {
    for (const s of w.series) {
      const at = `weak order, ${w.regime} (T = ${w.time}), SME ${smeLabel(s.method)}`;
      console.log(s.resolved
        ? `${at}: fitted slope ${f(s.slope, 2)} [${f(s.interval?.[0], 2)}, ${f(s.interval?.[1], 2)}] over ${s.fitted.length} of ${w.lrs.length} learning rates`
        : `${at}: not resolved (${s.reason})`);
    }
    console.log(`closest SME, ${closestSentence(w)}`);
  }
  for (const s of r.sweep?.series ?? []) {
    console.log(`ε × p sweep, SME ${smeLabel(s.method)}: fitted order per keep ${r.sweep!.keeps.map((p, i) => `p=${p}: ${s.slopes[i] === null ? 'not resolved' : f(s.slopes[i], 2)}`).join(', ')}`);
  }
  const psi = (x: { psi: number | null; interval: [number, number] | null }) => `ψ = ${f(x.psi, 2)} [${f(x.interval?.[0], 2)}, ${f(x.interval?.[1], 2)}]`;
  const keeps = new Set(r.flatness?.runs.map((run) => run.keep)).size;
  if (r.flatness) for (const run of r.flatness.runs) {
    const at = keeps > 1 ? ` (keep ${run.keep})` : '';
    console.log(`variance–flatness, ${run.method} ${run.kind} samples${at}: ${psi(run)}, Spearman ${f(run.spearman, 2)}`);
    for (const p of run.predictions ?? []) {
      console.log(`  predicted (${p.basis} basis): this window ${psi(p.fits.window)}, stationary ${p.fits.stationary ? psi(p.fits.stationary) : `none (${p.unstable.length} eigenvalues of H_K outside (0, 2/ε))`}; `
        + `predicted/measured σ² median ${f(p.agreement.medianRatio, 2)}, Spearman ${f(p.agreement.spearman, 2)}; `
        + `pᵀΣp ∝ (pᵀHp)^β, β = ${f(p.noiseScaling.exponent, 2)} [${f(p.noiseScaling.interval?.[0], 2)}, ${f(p.noiseScaling.interval?.[1], 2)}]`);
    }
  }
  if (r.alignment) {
    const a = r.alignment, i = a.alpha.length - 1;
    console.log(`alignment α at step ${a.steps[i]}: ${f(a.alpha[i])} (null ${f(a.nullMean[i])} ± ${f(a.nullSd[i])}); Spearman(λ, uᵀΣu) = ${f(a.spearman, 2)}`);
  }
  if (r.sme) {
    const last = r.sme.times.length - 1;
    console.log(`R_S at t = ${f(r.sme.times[last], 2)}: ${Object.entries(r.sme.methods).map(([m, b]) => `${m} ${f(b.mean[last], 4)}`).join(', ')}`);
  }
}
