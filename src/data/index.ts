// The host-side data layer: data set type and checks, .npy and IDX files, the embedded MNIST
// subset and synthetic tasks. Runtime-neutral (Node, Deno, browsers).
export { checkHostDataset, type HostDataset } from './dataset-types.js';
export { readNpy, writeNpy, type NpyArray, type NpyData, type NpyDType, type ReadNpyOptions, type WriteNpyOptions } from './npy.js';
export {
  readIdx, readIdxSync, writeIdx, loadIdxDataset,
  type IdxArray, type IdxData, type IdxType, type ReadIdxOptions, type IdxDatasetOptions,
} from './idx.js';
export { loadMnist, loadMnistAll, MNIST_COUNT, MNIST_DIM, MNIST_CLASSES, type MnistOptions } from './mnist.js';
export { sineTask, teacherTask, type SineTaskOptions, type TeacherTaskOptions, type Teacher } from './synthetic.js';
export { createRng, shuffleInPlace, type DataRng } from './random.js';
export { gunzip, gzip, isGzip, loadBytes, type BytesLike, type GunzipOptions } from './bytes.js';
