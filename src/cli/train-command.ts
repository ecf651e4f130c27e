/**
 * train: dropout GD/SGD on the embedded MNIST subset or --data, in segments of --save-every steps.
 * After each segment the checkpoint is saved: θ and the losses so far into one of two slots
 * (checkpoint/params-a.npy and -b.npy, alternately), then train-state.json, written last, names
 * the slot with each file's size and SHA-256. A kill at any moment leaves the last complete
 * checkpoint valid, and --resume continues from it on the same mask stream (startStep), ending
 * where an uninterrupted run would; a checkpoint whose files do not match is refused.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { createEngine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { formatError } from '../data/bytes.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { memoryBudget } from '../experiments/index.js';
import { readLimited, readTextLimited } from './files.js';
import { checkModelFits, MODEL_HELP, MODEL_OPTIONS, modelChoice, trainingData } from './model-options.js';
import { COMMON_HELP, engineOptions, intOption, numberOption, parse } from './options.js';
import { progressBar } from './progress.js';
import { withOutFolder } from './run-scope.js';

export const TRAIN_HELP = `Usage: dropout-sme train [options]

Trains a dropout MLP by full-batch dropout GD (or SGD with --batch) and writes params.npy
(the flat parameter vector: per layer W out×in row-major, then b), losses.npy and train.json.

Options:
${MODEL_HELP}  --lr <ε>                      learning rate (default 0.1)
  --steps <N>                   steps (default 300)
  --batch <B>                   mini-batch size (default: full batch)
  --no-dropout                  plain GD/SGD
  --save-every <n>              checkpoint every n steps (default 100)
  --resume                      continue from the checkpoint in --out
${COMMON_HELP}`;

export const TRAIN_STATE_SCHEMA = 'dropout-sme/train-state@2';
const STATE = 'train-state.json';
const slotFiles = (slot: 'a' | 'b') => ({ params: `checkpoint/params-${slot}.npy`, losses: `checkpoint/losses-${slot}.npy` });

interface FileRef { name: string; bytes: number; sha256: string }
interface TrainState {
  schema: typeof TRAIN_STATE_SCHEMA;
  settings: string;
  step: number;
  slot: 'a' | 'b';
  params: FileRef;
  losses: FileRef;
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** The checkpoint in `out`, verified against its manifest, or an error saying why not. */
function readCheckpoint(out: string, settings: string, size: number): { step: number; slot: 'a' | 'b'; params: Float32Array; losses: number[] } {
  const path = join(out, STATE);
  const refuse = (what: string) => formatError('--resume', 'a complete checkpoint of the same run (rerun without --resume to start over)', `${path}: ${what}`);
  let state: TrainState;
  try {
    state = JSON.parse(readTextLimited('--resume', path, 1 << 20)) as TrainState;
  } catch (e) {
    if (e instanceof ArgumentError && /no such file/.test(e.message)) throw formatError('--resume', `a checkpoint in ${out}`, 'none found (run without --resume)');
    throw refuse(`unreadable (${e instanceof SyntaxError ? 'not valid JSON' : (e as Error).message})`);
  }
  if (!state || state.schema !== TRAIN_STATE_SCHEMA || !Number.isInteger(state.step) || (state.slot !== 'a' && state.slot !== 'b')) throw refuse('not a train checkpoint of this version');
  if (state.settings !== settings) throw new ArgumentError('--resume', 'the same settings as the checkpointed run', 'different settings');
  const load = (ref: FileRef, expected: string) => {
    if (!ref || ref.name !== expected) throw refuse(`names ${String(ref?.name)} instead of ${expected}`);
    let b: Uint8Array;
    try {
      b = readLimited('--resume', join(out, ref.name), 2 ** 32);
    } catch {
      throw refuse(`its ${ref.name} is missing or unreadable (a torn checkpoint)`);
    }
    if (b.length !== ref.bytes || sha256(b) !== ref.sha256) throw refuse(`${ref.name} does not match it (a torn or changed checkpoint)`);
    return readNpy(b, { name: ref.name }).data;
  };
  const files = slotFiles(state.slot);
  const params = load(state.params, files.params), losses = load(state.losses, files.losses);
  if (params.length !== size || losses.length !== state.step) throw refuse('its arrays do not have the sizes of this run');
  return { step: state.step, slot: state.slot, params: Float32Array.from(params as ArrayLike<number>), losses: Array.from(losses as ArrayLike<number>) };
}

export async function trainCommand(argv: string[]): Promise<void> {
  const { values } = parse(argv, {
    ...MODEL_OPTIONS, lr: { type: 'string', default: '0.1' }, steps: { type: 'string', default: '300' }, batch: { type: 'string' },
    'no-dropout': { type: 'boolean', default: false }, 'save-every': { type: 'string', default: '100' }, resume: { type: 'boolean', default: false },
  });
  if (values.help) {
    process.stdout.write(TRAIN_HELP);
    return;
  }
  const net = modelChoice(values);
  const lr = numberOption('lr', values.lr, (x) => x > 0, 'a positive learning rate');
  const steps = intOption('steps', values.steps, 1);
  const saveEvery = intOption('save-every', values['save-every'], 1);
  const seed = intOption('seed', values.seed, 0, 0xffffffff);
  const batch = values.batch === undefined ? undefined : intOption('batch', values.batch, 1);
  const out = (values.out as string | undefined) ?? 'dropout-sme-train';
  const resume = values.resume as boolean;
  const { train, test } = await trainingData(values);
  if (batch !== undefined && batch > train.n) throw new ArgumentError('--batch', `at most the ${train.n} rows of the training data`, batch);
  const sizes = [train.inDim, ...net.hidden, train.outDim];
  const engine = await createEngine(engineOptions(values));
  let step = 0;
  try {
    checkModelFits(sizes, train.n + (test?.n ?? 0), 0, memoryBudget(engine));
    await withOutFolder(out, { command: 'train', slot: 'run', force: values.force as boolean, resume }, () => `the state after step ${step} is kept in ${out}; rerun with --resume to continue`, async (scope) => {
      const data = engine.dataset(train), testData = test ? engine.dataset(test) : null;
      const model = engine.mlp({ sizes, activation: net.activation, keep: net.keep, loss: net.loss, seed });
      const settings = JSON.stringify({ net, lr, steps, seed, batch: batch ?? null, dropout: !values['no-dropout'], data: train.name ?? null });
      let losses: number[] = [], slot: 'a' | 'b' = 'b';
      if (resume) {
        const c = readCheckpoint(out, settings, model.size);
        model.setParams(c.params);
        ({ step, slot, losses } = c);
      }
      scope.folder.claim([STATE, ...Object.values(slotFiles('a')), ...Object.values(slotFiles('b')), 'params.npy', 'losses.npy', 'train.json']);
      console.error(`dropout-sme train: [${sizes.join(', ')}], keep ${net.keep}, lr ${lr}, ${steps} steps, backend ${engine.backend}`);
      const bar = progressBar('train');
      while (step < steps) {
        const n = Math.min(saveEvery, steps - step);
        const r = await engine.train(model, data, {
          lr, steps: n, seed, startStep: step, dropout: !values['no-dropout'], ...(batch ? { batchSize: batch } : {}), signal: scope.signal,
          onProgress: (d) => bar.update({ done: step + d, total: steps, unit: `step ${step + d}` }),
        });
        const next = [...losses, ...Array.from(r.losses)];
        // The other slot's files first, then the manifest that names them: the old checkpoint
        // stays whole until the new one is.
        slot = slot === 'a' ? 'b' : 'a';
        const files = slotFiles(slot);
        const params = writeNpy(await model.getParams()), lossBytes = writeNpy(Float32Array.from(next));
        scope.write(files.params, params);
        scope.write(files.losses, lossBytes);
        const state: TrainState = {
          schema: TRAIN_STATE_SCHEMA, settings, step: step + n, slot,
          params: { name: files.params, bytes: params.length, sha256: sha256(params) },
          losses: { name: files.losses, bytes: lossBytes.length, sha256: sha256(lossBytes) },
        };
        scope.write(STATE, JSON.stringify(state) + '\n');
        step += n;
        losses = next;
      }
      bar.end();
      scope.signal.throwIfAborted();
      const summary = {
        sizes, keep: net.keep, lr, steps, seed, backend: engine.backend,
        trainLoss: await model.loss(data), modifiedLoss: (await model.modifiedLoss(data)).value,
        ...(testData ? { testLoss: await model.loss(testData), testAccuracy: await model.accuracy(testData) } : {}),
      };
      scope.write('params.npy', writeNpy(await model.getParams()));
      scope.write('losses.npy', writeNpy(Float64Array.from(losses)));
      scope.write('train.json', JSON.stringify(summary, null, 2) + '\n');
      console.log(Object.entries(summary).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('-') : v}`).join('\n'));
    });
  } finally {
    engine.dispose();
  }
}
