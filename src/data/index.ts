// The host-side data layer: data set type and checks, .npy and IDX files and synthetic tasks.
// Runtime-neutral (Node, Deno, browsers). The embedded MNIST digits (./mnist.ts) are not here: they
// are the package's 'dropout-sme/mnist' entry (src/mnist.ts), loaded only by who imports them.
export { checkHostDataset, type HostDataset } from './dataset-types.js';
export { readNpy, writeNpy, type NpyArray, type NpyData, type NpyDType, type ReadNpyOptions, type WriteNpyOptions } from './npy.js';
export {
  readIdx, readIdxSync, writeIdx, loadIdxDataset,
  type IdxArray, type IdxData, type IdxType, type ReadIdxOptions, type IdxDatasetOptions,
} from './idx.js';
export { sineTask, teacherTask, type SineTaskOptions, type TeacherTaskOptions, type Teacher } from './synthetic.js';
export { createRng, shuffleInPlace, type DataRng } from './random.js';
export { gunzip, gzip, isGzip, loadBytes, type BytesLike, type GunzipOptions } from './bytes.js';
