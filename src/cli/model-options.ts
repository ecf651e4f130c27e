/** The network options of train and hessian, and the data set they run on. */
import type { Activation } from '../backend/backend.js';
import { ACTIVATIONS } from '../backend/backend.js';
import type { HostDataset } from '../data/dataset-types.js';
import { ArgumentError } from '../errors.js';
import { loadDataOption } from './data-files.js';
import { intOption, numberOption, type OptionSpec } from './options.js';

export const MODEL_OPTIONS: OptionSpec = {
  hidden: { type: 'string', default: '50,50' },
  activation: { type: 'string', default: 'tanh' },
  keep: { type: 'string', default: '0.9' },
  loss: { type: 'string', default: 'mse' },
};

export const MODEL_HELP = `  --hidden <w1,w2,…>            hidden layer widths (default 50,50: W1 of docs/math.md §7)
  --activation <tanh|relu|sigmoid|identity>  (default tanh)
  --keep <p>                    dropout keep probability in (0, 1] (default 0.9)
  --loss <mse|xent>             squared error (default) or softmax cross-entropy
`;

export interface ModelChoice {
  hidden: number[];
  activation: Activation;
  keep: number;
  loss: 'mse' | 'xent';
}

export function modelChoice(v: Record<string, string | boolean | undefined>): ModelChoice {
  const hidden = String(v.hidden).split(',').map((w) => intOption('hidden', w, 1, 1 << 16));
  const activation = v.activation as Activation;
  if (!ACTIVATIONS.includes(activation)) throw new ArgumentError('--activation', ACTIVATIONS.join(', '), v.activation);
  const keep = numberOption('keep', v.keep, (p) => p > 0 && p <= 1, 'a keep probability in (0, 1]');
  if (v.loss !== 'mse' && v.loss !== 'xent') throw new ArgumentError('--loss', "'mse' or 'xent'", v.loss);
  return { hidden, activation, keep, loss: v.loss };
}

/** --data/--labels, or the embedded MNIST subset's training and test sets. */
export async function trainingData(v: Record<string, string | boolean | undefined>): Promise<{ train: HostDataset; test: HostDataset | null }> {
  if (v.data) return { train: await loadDataOption(v.data as string, v.labels as string | undefined), test: null };
  const m = await (await import('../data/mnist.js')).loadMnist(); // loaded only when needed
  return { train: m.train, test: m.test };
}
