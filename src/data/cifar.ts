/**
 * CIFAR-10 and CIFAR-100 from their official binary releases, split as in the NES paper:
 * train = training records 0–39,999, validation = 40,000–49,999 (files in release order),
 * test = the official test file. The files are not embedded in nes (160 MB each).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { readCifarRecords, readLabelNames, type CifarRecordLayout } from './cifar-binary.js';
import { DataFormatError } from './errors.js';
import { channelStatistics, toShared } from './images.js';
import { limitTrainingSet, sliceImages } from './split.js';
import type { DatasetSplits, LabelledImages } from './types.js';

export const CIFAR_DOWNLOAD_PAGE = 'https://www.cs.toronto.edu/~kriz/cifar.html';

export const CIFAR10_FILES = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: 'test_batch.bin',
  classNames: 'batches.meta.txt',
} as const;

export const CIFAR100_FILES = {
  train: 'train.bin',
  test: 'test.bin',
  fineNames: 'fine_label_names.txt',
  coarseNames: 'coarse_label_names.txt',
} as const;

/** The folders the official tarballs extract to; a dataDir may name their parent. */
export const CIFAR10_SUBFOLDER = 'cifar-10-batches-bin';
export const CIFAR100_SUBFOLDER = 'cifar-100-binary';

const CIFAR10_BATCH: CifarRecordLayout = {
  what: 'a CIFAR-10 binary batch file',
  labelBytes: [{ name: 'label', numClasses: 10 }],
  classLabel: 0,
  officialRecords: 10_000,
};

function cifar100Layout(labels: 'fine' | 'coarse', officialRecords: number): CifarRecordLayout {
  return {
    what: `a CIFAR-100 binary file (${officialRecords} records)`,
    labelBytes: [
      { name: 'coarse label', numClasses: 20 },
      { name: 'fine label', numClasses: 100 },
    ],
    classLabel: labels === 'coarse' ? 0 : 1,
    officialRecords,
  };
}

/** The error for a CIFAR config without files: what to download and where to put it. */
export function cifarNotEmbedded(name: 'cifar10' | 'cifar100'): string {
  const release = name === 'cifar10' ? 'CIFAR-10' : 'CIFAR-100';
  return (
    `${release} is not embedded in nes; download the "${release} binary version (suitable for C programs)" from ${CIFAR_DOWNLOAD_PAGE}, ` +
    `extract it and set "dataDir" (or --data-dir) to the folder`
  );
}

/**
 * Where validation starts in `trainRecords` training records: the last fifth goes to validation.
 * For the official 50,000 that is record 40,000, the paper's split (CIFAR-10: data_batch_5.bin).
 * Smaller files of the same layout (subsets, tests) are split in the same proportion.
 */
export function cifarValidationStart(trainRecords: number): number {
  return Math.floor((trainRecords * 4) / 5);
}

export interface CifarOptions {
  /** The folder of the extracted binary release, or its parent. */
  dataDir: string;
  /** Seed of the stratified draw when `trainLimit` is set. Default 0. */
  seed?: number;
  /** Put image and label buffers in SharedArrayBuffers (for worker threads). */
  shared?: boolean;
  /** Keep only this many training examples, a seeded stratified sample. */
  trainLimit?: number;
}

export function loadCifar10(options: CifarOptions): DatasetSplits {
  const dir = releaseFolder(options.dataDir, CIFAR10_SUBFOLDER, 'CIFAR-10', [...CIFAR10_FILES.train, CIFAR10_FILES.test, CIFAR10_FILES.classNames]);
  const batches = CIFAR10_FILES.train.map((name) => readCifarRecords(join(dir, name), CIFAR10_BATCH));
  // A batch cut short at a record boundary would still be whole records: the five are equal in the release.
  batches.forEach((batch, i) => {
    if (batch.count !== batches[0]!.count) {
      throw new DataFormatError(
        join(dir, CIFAR10_FILES.train[i]!),
        `${batch.count} records, expected ${batches[0]!.count} like ${CIFAR10_FILES.train[0]} (the five training batches are of equal size)`,
      );
    }
  });
  const splits = {
    ...splitTraining(concatenate(batches), join(dir, CIFAR10_FILES.train[0])),
    test: readCifarRecords(join(dir, CIFAR10_FILES.test), CIFAR10_BATCH),
  };
  return finish('cifar10', readLabelNames(join(dir, CIFAR10_FILES.classNames), 10), splits, options);
}

export function loadCifar100(options: CifarOptions & { labels?: 'fine' | 'coarse' }): DatasetSplits {
  const labels = options.labels ?? 'fine';
  const files = CIFAR100_FILES;
  const dir = releaseFolder(options.dataDir, CIFAR100_SUBFOLDER, 'CIFAR-100', [files.train, files.test, files.fineNames, files.coarseNames]);
  const trainPath = join(dir, files.train);
  const splits = {
    ...splitTraining(readCifarRecords(trainPath, cifar100Layout(labels, 50_000)), trainPath),
    test: readCifarRecords(join(dir, files.test), cifar100Layout(labels, 10_000)),
  };
  const classNames =
    labels === 'fine' ? readLabelNames(join(dir, files.fineNames), 100) : readLabelNames(join(dir, files.coarseNames), 20);
  return finish('cifar100', classNames, splits, options);
}

/**
 * The release folder: dataDir itself, or the tarball's subfolder when dataDir holds none of the
 * files but the subfolder does. Every missing file is named, with where to get the release.
 */
function releaseFolder(dataDir: string, subfolder: string, release: string, files: string[]): string {
  const holdsAny = (dir: string) => files.some((name) => existsSync(join(dir, name)));
  const nested = join(dataDir, subfolder);
  const dir = !holdsAny(dataDir) && holdsAny(nested) ? nested : dataDir;
  const missing = files.filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    const where = dir === dataDir ? `${dataDir} (or ${nested})` : dir;
    throw new DataFormatError(
      join(dir, missing[0]!),
      `file not found${missing.length > 1 ? ` (nor ${missing.slice(1).join(', ')})` : ''}; expected in ${where}: ${files.join(', ')}, ` +
        `the "${release} binary version" from ${CIFAR_DOWNLOAD_PAGE}`,
    );
  }
  return dir;
}

function concatenate(sets: LabelledImages[]): LabelledImages {
  const count = sets.reduce((sum, set) => sum + set.count, 0);
  const images = new Uint8Array(sets.reduce((sum, set) => sum + set.images.length, 0));
  const labels = new Uint8Array(count);
  let records = 0;
  let bytes = 0;
  for (const set of sets) {
    images.set(set.images, bytes);
    labels.set(set.labels, records);
    records += set.count;
    bytes += set.images.length;
  }
  return { ...sets[0]!, images, labels, count };
}

function splitTraining(all: LabelledImages, source: string): { train: LabelledImages; validation: LabelledImages } {
  const start = cifarValidationStart(all.count);
  if (start === 0 || start === all.count) {
    throw new DataFormatError(source, `${all.count} training records are too few to split (train = the first four fifths, validation = the last fifth)`);
  }
  return { train: sliceImages(all, 0, start), validation: sliceImages(all, start, all.count) };
}

function finish(
  name: string,
  classNames: string[],
  splits: { train: LabelledImages; validation: LabelledImages; test: LabelledImages },
  options: CifarOptions,
): DatasetSplits {
  const train = limitTrainingSet(splits.train, options.trainLimit, options.seed ?? 0);
  const share = options.shared ? toShared : (set: LabelledImages) => set;
  return {
    name,
    classNames,
    numClasses: classNames.length,
    train: share(train),
    validation: share(splits.validation),
    test: share(splits.test),
    normalization: channelStatistics(train),
  };
}
