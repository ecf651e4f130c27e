/**
 * merge: combines the partial results of N shards into the results.json and report an unsharded
 * run writes (the units are the same, so the aggregation is the same).
 */
import { ArgumentError } from '../errors.js';
import { assemble, checkConfig, experimentsFor, memoryStore, type Json, type ReproduceConfig } from '../experiments/index.js';
import { PARTIAL_SCHEMA, summarise, type ShardPartial } from './experiment-command.js';
import { COMMON_HELP, parse } from './options.js';
import { readTextLimited } from './files.js';
import { writeOutputs } from './outputs.js';
import { withOutFolder } from './run-scope.js';

export const MERGE_HELP = `Usage: dropout-sme merge <partial-1-of-N.json> … <partial-N-of-N.json> --out <dir>

Combines the partial results written by --shard i/N runs (all N of them, same command and
settings) into results.json, report.html, figures and arrays, as one unsharded run would.

Options:
${COMMON_HELP}`;

const MAX_PARTIAL = 1 << 30;

function readPartial(path: string): ShardPartial {
  const text = readTextLimited('partial', path, MAX_PARTIAL);
  let p: ShardPartial;
  try {
    p = JSON.parse(text) as ShardPartial;
  } catch (e) {
    throw new ArgumentError('partial', 'a JSON file written by --shard', `${path}: ${(e as Error).message}`);
  }
  if (!p || p.schema !== PARTIAL_SCHEMA || !p.shard || !p.provenance || !p.units || !Array.isArray(p.sections)) {
    throw new ArgumentError('partial', `a ${PARTIAL_SCHEMA} file written by --shard`, path);
  }
  return p;
}

export async function mergeCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parse(argv, {});
  if (values.help) {
    process.stdout.write(MERGE_HELP);
    return;
  }
  if (positionals.length === 0) throw new ArgumentError('partial', 'the partial-i-of-N.json files of every shard', 'none');
  const out = (values.out as string | undefined) ?? 'dropout-sme-merged';
  const parts = positionals.map(readPartial);
  const first = parts[0]!, count = first.shard.count;
  const same = (p: ShardPartial) => p.command === first.command && p.shard.count === count
    && JSON.stringify(p.sections) === JSON.stringify(first.sections) && JSON.stringify(p.provenance) === JSON.stringify(first.provenance);
  const odd = parts.findIndex((p) => !same(p));
  if (odd >= 0) throw new ArgumentError('partial', 'shards of one run (same command, settings, seed, backend and N)', positionals[odd]);
  const have = new Set(parts.map((p) => p.shard.index));
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !have.has(i)).map((i) => `${i + 1}/${count}`);
  if (missing.length) throw new ArgumentError('partial', `all ${count} shards`, `missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
  const store = memoryStore();
  for (const p of parts) for (const [k, v] of Object.entries(p.units)) if (store.get(k) === undefined) store.put(k, v as Json);
  const config = first.provenance.config as unknown as ReproduceConfig;
  checkConfig(config);
  const results = assemble(experimentsFor(config, first.sections), store, first.provenance);
  await withOutFolder(out, { command: 'merge', slot: 'run', force: values.force as boolean, resume: false }, 'nothing was written; run it again', async (scope) => {
    const files = await writeOutputs(scope, results);
    console.error(`merged ${count} shards into ${out}/: ${files.join(', ')}`);
  });
  summarise(results);
}
