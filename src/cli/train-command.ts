/**
 * train: dropout GD/SGD on the embedded MNIST subset or --data, in segments of --save-every steps;
 * after each segment θ (params.npy) and the step reached are saved atomically, so a killed run
 * continues with --resume on the same mask stream (startStep) and ends where an uninterrupted one would.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import { readNpy, writeNpy } from '../data/npy.js';
import { writeAtomic } from './files.js';
import { MODEL_HELP, MODEL_OPTIONS, modelChoice, trainingData } from './model-options.js';
import { engineOptions, COMMON_HELP, intOption, numberOption, parse } from './options.js';
import { progressBar } from './progress.js';

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
  const { train, test } = await trainingData(values);
  const engine = await createEngine(engineOptions(values));
  const data = engine.dataset(train), testData = test ? engine.dataset(test) : null;
  const model = engine.mlp({ sizes: [train.inDim, ...net.hidden, train.outDim], activation: net.activation, keep: net.keep, loss: net.loss, seed });
  mkdirSync(out, { recursive: true });
  const settings = JSON.stringify({ net, lr, steps, seed, batch: batch ?? null, dropout: !values['no-dropout'], data: train.name ?? null });
  const stateFile = join(out, 'train-state.json');
  let step = 0, losses: number[] = [];
  if (values.resume) {
    if (!existsSync(stateFile)) throw new ArgumentError('--resume', `a checkpoint in ${out}`, 'none found');
    const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { settings: string; step: number; losses: number[] };
    if (state.settings !== settings) throw new ArgumentError('--resume', 'the same settings as the checkpointed run', 'different settings');
    model.setParams(readNpy(new Uint8Array(readFileSync(join(out, 'params.npy'))), { name: 'params.npy' }).data as Float32Array);
    step = state.step;
    losses = state.losses;
  }
  console.error(`dropout-sme train: [${model.options.sizes.join(', ')}], keep ${net.keep}, lr ${lr}, ${steps} steps, backend ${engine.backend}`);
  const bar = progressBar('train');
  try {
    while (step < steps) {
      const n = Math.min(saveEvery, steps - step);
      const r = await engine.train(model, data, {
        lr, steps: n, seed, startStep: step, dropout: !values['no-dropout'], ...(batch ? { batchSize: batch } : {}),
        onProgress: (d) => bar.update({ done: step + d, total: steps, unit: `step ${step + d}` }),
      });
      losses.push(...Array.from(r.losses));
      step += n;
      writeAtomic(join(out, 'params.npy'), writeNpy(await model.getParams()));
      writeAtomic(stateFile, JSON.stringify({ settings, step, losses }));
    }
    bar.end();
    const summary = {
      sizes: model.options.sizes, keep: net.keep, lr, steps, seed, backend: engine.backend,
      trainLoss: await model.loss(data), modifiedLoss: (await model.modifiedLoss(data)).value,
      ...(testData ? { testLoss: await model.loss(testData), testAccuracy: await model.accuracy(testData) } : {}),
    };
    writeAtomic(join(out, 'losses.npy'), writeNpy(Float64Array.from(losses)));
    writeAtomic(join(out, 'train.json'), JSON.stringify(summary, null, 2) + '\n');
    console.log(Object.entries(summary).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join('-') : v}`).join('\n'));
  } finally {
    engine.dispose();
  }
}
