/**
 * Fashion-MNIST (Xiao et al., 2017), split as in the NES paper: train = official train images
 * 0–49,999, validation = official train images 50,000–59,999, test = the official test set.
 * The split is by index, not random, so every run and every engineer sees the same examples.
 * Without a dataDir the small embedded subset in data/fashion-mnist-subset/ is used.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from './errors.js';
import { channelStatistics, toShared } from './images.js';
import { readIdxPair } from './idx.js';
import { limitTrainingSet, sliceImages } from './split.js';
import { PACKAGE_ROOT } from '../version.js';
import type { DatasetSplits, LabelledImages } from './types.js';

export const FASHION_MNIST_CLASS_NAMES = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Official train images at index ≥ this go to validation (NES paper split). */
export const FASHION_MNIST_VALIDATION_START = 50_000;
const OFFICIAL_TRAIN_COUNT = 60_000;

export const OFFICIAL_FILES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

const SUBSET_DIR_NAME = join('data', 'fashion-mnist-subset');

export interface FashionMnistOptions {
  /** Folder with the 4 official files (gzipped or not). Omit to use the embedded subset. */
  dataDir?: string;
  /** Seed of the stratified draw when `trainLimit` is set. Default 0. */
  seed?: number;
  /** Put image and label buffers in SharedArrayBuffers (for worker threads). */
  shared?: boolean;
  /** Keep only this many training examples, a seeded stratified sample (classes in proportion). */
  trainLimit?: number;
}

/** Finds `<name>.gz` or `<name>` in dir; the error names both and the whole expected set. */
function findFile(dir: string, name: string, expectedNames: string[]): string {
  for (const candidate of [`${name}.gz`, name]) {
    const path = join(dir, candidate);
    if (existsSync(path)) return path;
  }
  throw new DataFormatError(
    join(dir, `${name}.gz`),
    `file not found (nor ${name}); expected in ${dir}: ${expectedNames.map((n) => `${n}(.gz)`).join(', ')}`,
  );
}

/** The embedded subset folder of the package. */
export function embeddedSubsetDir(): string {
  return join(PACKAGE_ROOT, SUBSET_DIR_NAME);
}

export function subsetFileNames(split: 'train' | 'validation' | 'test'): { images: string; labels: string } {
  return { images: `${split}-images-idx3-ubyte`, labels: `${split}-labels-idx1-ubyte` };
}

function loadOfficial(dataDir: string): { train: LabelledImages; validation: LabelledImages; test: LabelledImages } {
  const expected = Object.values(OFFICIAL_FILES);
  const trainImagesPath = findFile(dataDir, OFFICIAL_FILES.trainImages, expected);
  const trainLabelsPath = findFile(dataDir, OFFICIAL_FILES.trainLabels, expected);
  const testImagesPath = findFile(dataDir, OFFICIAL_FILES.testImages, expected);
  const testLabelsPath = findFile(dataDir, OFFICIAL_FILES.testLabels, expected);
  const officialTrain = readIdxPair(trainImagesPath, trainLabelsPath);
  const test = readIdxPair(testImagesPath, testLabelsPath);
  if (officialTrain.count !== OFFICIAL_TRAIN_COUNT) {
    throw new DataFormatError(trainImagesPath, `${officialTrain.count} images, expected ${OFFICIAL_TRAIN_COUNT} (official Fashion-MNIST train set)`);
  }
  checkSize(trainImagesPath, officialTrain);
  checkSize(testImagesPath, test);
  return {
    train: sliceImages(officialTrain, 0, FASHION_MNIST_VALIDATION_START),
    validation: sliceImages(officialTrain, FASHION_MNIST_VALIDATION_START, OFFICIAL_TRAIN_COUNT),
    test,
  };
}

function loadEmbedded(): { train: LabelledImages; validation: LabelledImages; test: LabelledImages } {
  const dir = embeddedSubsetDir();
  const load = (split: 'train' | 'validation' | 'test'): LabelledImages => {
    const names = subsetFileNames(split);
    const expected = (['train', 'validation', 'test'] as const).flatMap((s) => Object.values(subsetFileNames(s)));
    const set = readIdxPair(findFile(dir, names.images, expected), findFile(dir, names.labels, expected));
    checkSize(join(dir, names.images), set);
    return set;
  };
  return { train: load('train'), validation: load('validation'), test: load('test') };
}

function checkSize(path: string, set: LabelledImages): void {
  if (set.height !== 28 || set.width !== 28) {
    throw new DataFormatError(path, `images are ${set.height}×${set.width}, expected 28×28`);
  }
}

export function loadFashionMnist(options: FashionMnistOptions = {}): DatasetSplits {
  const splits = options.dataDir === undefined ? loadEmbedded() : loadOfficial(options.dataDir);
  const train = limitTrainingSet(splits.train, options.trainLimit, options.seed ?? 0);
  const share = options.shared ? toShared : (set: LabelledImages) => set;
  return {
    name: options.dataDir === undefined ? 'fashion-mnist-subset' : 'fashion-mnist',
    classNames: [...FASHION_MNIST_CLASS_NAMES],
    numClasses: FASHION_MNIST_CLASS_NAMES.length,
    train: share(train),
    validation: share(splits.validation),
    test: share(splits.test),
    normalization: channelStatistics(train),
  };
}
