/**
 * --data / --labels for the command line: an IDX pair (MNIST / Fashion-MNIST format, gzipped or
 * not) or .npy arrays: x as n × … (float, or u8 pixels scaled by 1/255) and y as integer labels
 * [n] (one-hot) or float targets [n, c].
 */
import { readFile } from 'node:fs/promises';
import type { HostDataset } from '../data/dataset-types.js';
import { checkHostDataset, oneHot } from '../data/dataset-types.js';
import { loadIdxDataset } from '../data/idx.js';
import { readNpy } from '../data/npy.js';
import { ArgumentError } from '../errors.js';

/** The bytes of the file a command-line option names; an unreadable file is an error naming the option. */
export async function bytes(option: string, path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw new ArgumentError(option, 'a readable file', `${path} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

function npyInputs(path: string, buf: Uint8Array): { x: Float32Array; n: number; inDim: number } {
  const a = readNpy(buf, { name: '--data' });
  if (a.shape.length < 2) throw new ArgumentError('--data', 'an array of shape [n, features…]', `shape [${a.shape.join(', ')}] in ${path}`);
  const n = a.shape[0]!, inDim = a.shape.slice(1).reduce((s, d) => s * d, 1);
  const x = a.dtype === '|u1' ? Float32Array.from(a.data as Uint8Array, (v) => v / 255) : Float32Array.from(a.data as ArrayLike<number>);
  return { x, n, inDim };
}

function npyTargets(path: string, buf: Uint8Array, n: number): { y: Float32Array; outDim: number; labels?: Int32Array } {
  const a = readNpy(buf, { name: '--labels' });
  if (a.shape[0] !== n) throw new ArgumentError('--labels', `${n} rows, one per sample of --data`, `shape [${a.shape.join(', ')}] in ${path}`);
  if (a.shape.length === 1) {
    if (a.dtype === '<f4' || a.dtype === '<f8') throw new ArgumentError('--labels', 'integer class labels [n] or float targets [n, c]', `float array of shape [${n}]`);
    const labels = Int32Array.from(a.data as ArrayLike<number>);
    let classes = 0;
    for (const c of labels) {
      if (c < 0 || c > 65535) throw new ArgumentError('--labels', 'class labels in [0, 65535]', c);
      classes = Math.max(classes, c + 1);
    }
    return { y: oneHot(labels, classes), outDim: classes, labels };
  }
  if (a.shape.length !== 2) throw new ArgumentError('--labels', 'integer class labels [n] or float targets [n, c]', `shape [${a.shape.join(', ')}]`);
  return { y: Float32Array.from(a.data as ArrayLike<number>), outDim: a.shape[1]! };
}

/** The data set named on the command line; both files are required together. */
export async function loadDataOption(data: string, labels: string | undefined): Promise<HostDataset> {
  if (!labels) throw new ArgumentError('--labels', 'the labels/targets file that goes with --data', undefined);
  if (data.endsWith('.npy')) {
    const x = npyInputs(data, await bytes('--data', data));
    const y = npyTargets(labels, await bytes('--labels', labels), x.n);
    return checkHostDataset({ ...x, ...y, name: data }, 'data');
  }
  return loadIdxDataset(await bytes('--data', data), await bytes('--labels', labels), { name: data });
}
