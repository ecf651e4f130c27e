/** The network of an experiment: hidden sizes, activation, keep p and the initialisation seed. */
import type { Activation } from '../backend/backend.js';
import type { DeviceDataset } from '../model/dataset.js';
import type { Engine } from '../engine.js';
import type { Mlp } from '../model/mlp.js';

/** An experiment's network; the input and output sizes come from its data. */
export interface NetSpec {
  hidden: number[];
  activation: Activation;
  keep: number;
  /** Initialisation seed. */
  init: number;
}

export function netKey(n: NetSpec): string {
  return `${n.hidden.join('-')}/${n.activation}/keep=${n.keep}/init=${n.init}`;
}

/** A fresh model at its initialisation, sized for the data set. */
export function buildModel(engine: Engine, net: NetSpec, data: DeviceDataset): Mlp {
  return engine.mlp({ sizes: [data.inDim, ...net.hidden, data.outDim], activation: net.activation, keep: net.keep, seed: net.init });
}

/** Runs `body` on a fresh model and disposes it afterwards. */
export async function withModel<T>(engine: Engine, net: NetSpec, data: DeviceDataset, body: (m: Mlp) => Promise<T>): Promise<T> {
  const m = buildModel(engine, net, data);
  try {
    return await body(m);
  } finally {
    m.dispose();
  }
}
