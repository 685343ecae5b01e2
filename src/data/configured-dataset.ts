import { cifarNotEmbedded, loadCifar10, loadCifar100 } from './cifar.js';
import { DataFormatError } from './errors.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { channelStatistics, toShared } from './images.js';
import { loadNpyDataset } from './npy-dataset.js';
import { sampleStratified, splitStratified } from './split.js';
import type { DatasetSplits, LabelledImages } from './types.js';

/** The `dataset` section of a config: Fashion-MNIST (embedded or official files), CIFAR-10/100 or .npy files. */
export type DatasetConfig =
  | { name: 'fashion-mnist'; dataDir?: string; trainLimit?: number }
  | { name: 'cifar10'; dataDir: string; trainLimit?: number }
  /** labels: the fine (100 classes, the default) or the coarse labels (20 superclasses). */
  | { name: 'cifar100'; dataDir: string; trainLimit?: number; labels?: 'fine' | 'coarse' }
  | {
      name: 'npy';
      train: { images: string; labels: string };
      test: { images: string; labels: string };
      /** Without it, `validationCount` examples of train are split off (stratified, seeded). */
      validation?: { images: string; labels: string };
      validationCount?: number;
      classNames?: string[];
      trainLimit?: number;
    };

/** Loads the configured data set; SharedArrayBuffer-backed when `shared`. */
export function loadConfiguredDataset(dataset: DatasetConfig, seed: number, options: { shared?: boolean } = {}): DatasetSplits {
  if (dataset.name === 'fashion-mnist') {
    return loadFashionMnist({ dataDir: dataset.dataDir, seed, shared: options.shared, trainLimit: dataset.trainLimit });
  }
  if (dataset.name === 'cifar10' || dataset.name === 'cifar100') {
    if (!dataset.dataDir) throw new DataFormatError('dataset.dataDir', cifarNotEmbedded(dataset.name));
    const cifar = { dataDir: dataset.dataDir, seed, shared: options.shared, trainLimit: dataset.trainLimit };
    return dataset.name === 'cifar10' ? loadCifar10(cifar) : loadCifar100({ ...cifar, labels: dataset.labels });
  }
  // A bad file names the config key it came from, e.g. dataset.train.images (issue 20, item 3).
  const load = (pair: { images: string; labels: string }, split: 'train' | 'validation' | 'test') => {
    try {
      return loadNpyDataset(pair.images, pair.labels, 256);
    } catch (error) {
      if (!(error instanceof DataFormatError)) throw error;
      const key = error.source === pair.labels ? 'labels' : 'images';
      throw new DataFormatError(error.source, `${error.message.slice(error.source.length + 2)} (config key dataset.${split}.${key})`);
    }
  };
  const full = load(dataset.train, 'train');
  const test = load(dataset.test, 'test');
  let train: LabelledImages;
  let validation: LabelledImages;
  if (dataset.validation) {
    train = full;
    validation = load(dataset.validation, 'validation');
  } else {
    ({ train, validation } = splitStratified(full, dataset.validationCount ?? Math.round(full.count / 6), seed));
  }
  if (dataset.trainLimit !== undefined && dataset.trainLimit < train.count) train = sampleStratified(train, dataset.trainLimit, seed);
  for (const [split, set] of [['validation', validation], ['test', test]] as const) {
    if (set.height !== train.height || set.width !== train.width || set.channels !== train.channels) {
      throw new DataFormatError(
        dataset[split]?.images ?? dataset.test.images,
        `images of ${set.height}×${set.width}×${set.channels}, expected ${train.height}×${train.width}×${train.channels} like the training images`,
      );
    }
  }
  let largest = 0;
  for (const set of [train, validation, test]) for (const label of set.labels) largest = Math.max(largest, label);
  const numClasses = dataset.classNames?.length ?? largest + 1;
  if (largest >= numClasses) {
    throw new DataFormatError(dataset.train.labels, `label ${largest} found, but classNames lists only ${numClasses} classes`);
  }
  const share = (set: LabelledImages) => (options.shared ? toShared(set) : set);
  return {
    name: 'npy',
    classNames: dataset.classNames ?? Array.from({ length: numClasses }, (_, i) => `class ${i}`),
    numClasses,
    train: share(train),
    validation: share(validation),
    test: share(test),
    normalization: channelStatistics(train),
  };
}
