/** Data loading: .npy and IDX files, Fashion-MNIST with the NES split, seeded stratified splits. */
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
export { loadNpyDataset } from './npy-dataset.js';
export { channelStatistics, toShared } from './images.js';
export { proportionalQuotas, sampleStratified, splitStratified, stratifiedIndices, subsetImages } from './split.js';
