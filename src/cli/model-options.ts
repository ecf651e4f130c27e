/** The network options of train and hessian, and the data set they run on. */
import type { Activation } from '../backend/backend.js';
import { ACTIVATIONS } from '../backend/backend.js';
import type { HostDataset } from '../data/dataset-types.js';
import { ArgumentError } from '../errors.js';
import { modelNeed, type MemoryBudget } from '../experiments/index.js';
import { loadDataOption } from './data-files.js';
import { classesOption, intOption, numberOption, type OptionSpec } from './options.js';

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
  const classes = classesOption(v.classes, v.data);
  if (v.data) return { train: await loadDataOption(v.data as string, v.labels as string | undefined, classes), test: null };
  const m = await (await import('../data/mnist.js')).loadMnist(); // loaded only when needed
  return { train: m.train, test: m.test };
}

/**
 * Refuses a network whose buffers (data, θ, gradient, full-batch workspace, and `perD` more vectors
 * of D such as Lanczos bases) cannot fit the backend: names --hidden with the widest layers that
 * would fit, or `perDOption` when the network fits but those vectors do not.
 */
export function checkModelFits(sizes: number[], rows: number, perD: number, budget: MemoryBudget, perDOption = '--hidden'): void {
  const need = (s: number[]) => {
    const m = modelNeed(s, rows);
    return { total: m.total + perD * m.d, largest: Math.max(m.largest, m.d), model: m.total, d: m.d };
  };
  const fits = (n: { total: number; largest: number }) => (budget.totalBytes === null || 4 * n.total <= budget.totalBytes) && (budget.bufferBytes === null || 4 * n.largest <= budget.bufferBytes);
  const n = need(sizes);
  if (fits(n)) return;
  const hidden = sizes.slice(1, -1), gb = `${((4 * n.total) / 1e9).toPrecision(3)} GB`;
  const modelOnly = { total: n.model, largest: n.largest };
  if (fits(modelOnly) && perDOption !== '--hidden') {
    throw new ArgumentError(perDOption, `a value whose ${perD} vectors of D = ${n.d} fit with the network in ${budget.what}`, `${perD} (an estimated ${gb})`);
  }
  // The widest equal layers that would fit.
  let lo = 0, hi = Math.max(...hidden, 1);
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(need([sizes[0]!, ...hidden.map(() => mid), sizes[sizes.length - 1]!]))) lo = mid;
    else hi = mid;
  }
  throw new ArgumentError('--hidden', `layers whose buffers fit in ${budget.what} (an estimated ${gb} here; ${hidden.length} layer${hidden.length > 1 ? 's' : ''} of at most ${lo} units would fit)`, hidden.join(','));
}
