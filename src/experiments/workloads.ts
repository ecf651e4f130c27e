/**
 * The data sets the experiments run on, uploaded once per run and shared by its units: the
 * embedded MNIST subset (W1/W3), the sine task (W4), or the user's own data (--data), each
 * optionally cut to its first n rows.
 */
import type { HostDataset } from '../data/dataset-types.js';
import { sineTask } from '../data/synthetic.js';
import type { Engine } from '../engine.js';
import { ArgumentError } from '../errors.js';
import type { DeviceDataset } from '../model/dataset.js';

/** An experiment's data: the embedded digits, the sine task, or the caller's data set. */
export type DataSource = 'mnist' | 'sine' | 'custom';

/** Which data set an experiment runs on, optionally its first n rows. */
export interface DataChoice {
  source: DataSource;
  /** Use the first n rows (all when absent). */
  n?: number;
}

export function dataKey(d: DataChoice): string {
  return d.n === undefined ? d.source : `${d.source}[:${d.n}]`;
}

/** The first n rows of a host data set (never more rows than it has: that is refused, not capped). */
export function headRows(data: HostDataset, n: number): HostDataset {
  if (n > data.n) throw new ArgumentError('data.n', `at most ${data.n} (the rows of ${data.name ?? 'the data set'})`, n);
  if (n === data.n) return data;
  return {
    x: data.x.slice(0, n * data.inDim), y: data.y.slice(0, n * data.outDim), n,
    inDim: data.inDim, outDim: data.outDim,
    ...(data.labels ? { labels: data.labels.slice(0, n) } : {}),
    name: `${data.name ?? 'data'}[:${n}]`,
  };
}

/** The data sets of one run, loaded on first use and uploaded once per engine. */
export class Workloads {
  readonly #device = new Map<string, DeviceDataset>();

  constructor(private readonly engine: Engine, private readonly custom: HostDataset | null = null) {}

  async host(choice: DataChoice): Promise<HostDataset> {
    let full: HostDataset;
    // The digits (1.6 MB gzipped) are imported only here, so reproduce's entry does not load them.
    if (choice.source === 'mnist') full = (await (await import('../data/mnist.js')).loadMnist()).train;
    else if (choice.source === 'sine') full = sineTask({ n: choice.n ?? 20, seed: 1 });
    else if (this.custom) full = this.custom;
    else throw new ArgumentError('data', 'a data set (--data) for the custom workload', choice.source);
    return choice.n === undefined ? full : headRows(full, choice.n);
  }

  /** The device copy, uploaded on first use. */
  async get(choice: DataChoice): Promise<DeviceDataset> {
    const key = dataKey(choice);
    let d = this.#device.get(key);
    if (!d) {
      d = this.engine.dataset(await this.host(choice));
      this.#device.set(key, d);
    }
    return d;
  }

  dispose(): void {
    for (const d of this.#device.values()) d.dispose();
    this.#device.clear();
  }
}
