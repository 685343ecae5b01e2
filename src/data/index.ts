/** Data loading: .npy, IDX and CIFAR binary files, Fashion-MNIST and CIFAR-10/100 with the NES split, seeded stratified splits. */
export { DataFormatError } from './errors.js';
export type { DatasetSplits, LabelledImages } from './types.js';
export {
  asFloat32,
  asLabels,
  encodeNpy,
  expectShape,
  parseNpy,
  readNpy,
  writeNpy,
  type NpyArray,
  type NpyDtype,
  type NpyTypedArray,
} from './npy.js';
export { encodeIdx, parseIdx, readIdxImages, readIdxLabels, readIdxPair, writeIdx, type IdxImages } from './idx.js';
export {
  FASHION_MNIST_CLASS_NAMES,
  embeddedSubsetDir,
  loadFashionMnist,
  type FashionMnistOptions,
} from './fashion-mnist.js';
export { CIFAR10_FILES, CIFAR100_FILES, cifarValidationStart, loadCifar10, loadCifar100, type CifarOptions } from './cifar.js';
export { parseCifarRecords, readCifarRecords } from './cifar-binary.js';
export { loadNpyDataset } from './npy-dataset.js';
export { channelStatistics, toShared } from './images.js';
export { proportionalQuotas, sampleStratified, splitStratified, stratifiedIndices, subsetImages } from './split.js';
