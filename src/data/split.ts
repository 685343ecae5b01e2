/**
 * Seeded, stratified selection of examples. Selected indices are returned in their original order,
 * so a subset keeps the file order (shuffling for training is the trainer's job).
 */
import seedrandom from 'seedrandom';
import { DataFormatError } from './errors.js';
import type { LabelledImages } from './types.js';

/** Count of each label in [0, numClasses). */
export function classCounts(labels: Uint8Array, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

/** Number of classes implied by the labels (largest label + 1). */
export function inferNumClasses(labels: Uint8Array): number {
  let largest = -1;
  for (const label of labels) if (label > largest) largest = label;
  return largest + 1;
}

/**
 * Splits `total` over the classes in proportion to their counts (largest remainder method,
 * ties to the lower class index), never asking a class for more than it has.
 */
export function proportionalQuotas(counts: number[], total: number): number[] {
  const available = counts.reduce((sum, count) => sum + count, 0);
  if (!Number.isInteger(total) || total < 0 || total > available) {
    throw new RangeError(`cannot take ${total} of ${available} examples`);
  }
  if (available === 0) return counts.map(() => 0);
  const exact = counts.map((count) => (count * total) / available);
  const quotas = exact.map(Math.floor);
  let missing = total - quotas.reduce((sum, quota) => sum + quota, 0);
  const byRemainder = exact
    .map((value, classIndex) => ({ classIndex, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.classIndex - b.classIndex);
  for (const { classIndex } of byRemainder) {
    if (missing === 0) break;
    if (quotas[classIndex] < counts[classIndex]) {
      quotas[classIndex]++;
      missing--;
    }
  }
  return quotas;
}

/**
 * Draws quotas[c] examples of each class c uniformly without replacement, seeded.
 * Returns the chosen indices in increasing order.
 */
export function stratifiedIndices(labels: Uint8Array, quotas: number[], seed: number): number[] {
  const byClass: number[][] = quotas.map(() => []);
  labels.forEach((label, index) => byClass[label]?.push(index));
  const random = seedrandom(`stratified:${seed}`);
  const chosen: number[] = [];
  byClass.forEach((indices, classIndex) => {
    const quota = quotas[classIndex];
    if (quota > indices.length) {
      throw new RangeError(`class ${classIndex} has ${indices.length} examples, ${quota} requested`);
    }
    // Partial Fisher–Yates: the first `quota` slots become a uniform sample.
    for (let i = 0; i < quota; i++) {
      const j = i + Math.floor(random() * (indices.length - i));
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    chosen.push(...indices.slice(0, quota));
  });
  return chosen.sort((a, b) => a - b);
}

/** The examples at `indices`, copied into fresh buffers. */
export function subsetImages(set: LabelledImages, indices: readonly number[]): LabelledImages {
  const imageBytes = set.height * set.width * set.channels;
  const images = new Uint8Array(indices.length * imageBytes);
  const labels = new Uint8Array(indices.length);
  indices.forEach((sourceIndex, i) => {
    if (!Number.isInteger(sourceIndex) || sourceIndex < 0 || sourceIndex >= set.count) {
      throw new RangeError(`index ${sourceIndex} outside [0, ${set.count})`);
    }
    images.set(set.images.subarray(sourceIndex * imageBytes, (sourceIndex + 1) * imageBytes), i * imageBytes);
    labels[i] = set.labels[sourceIndex];
  });
  return { images, labels, count: indices.length, height: set.height, width: set.width, channels: set.channels };
}

/** Examples [start, end) as a copy. */
export function sliceImages(set: LabelledImages, start: number, end: number): LabelledImages {
  const imageBytes = set.height * set.width * set.channels;
  return {
    images: set.images.slice(start * imageBytes, end * imageBytes),
    labels: set.labels.slice(start, end),
    count: end - start,
    height: set.height,
    width: set.width,
    channels: set.channels,
  };
}

/** A seeded stratified sample of `count` examples, classes in proportion to their frequency. */
export function sampleStratified(set: LabelledImages, count: number, seed: number): LabelledImages {
  const quotas = proportionalQuotas(classCounts(set.labels, inferNumClasses(set.labels)), count);
  return subsetImages(set, stratifiedIndices(set.labels, quotas, seed));
}

/**
 * Seeded stratified random split for data without an official validation split: `validationCount`
 * examples (classes in proportion) go to validation, the rest to train. Same seed ⇒ same split.
 */
export function splitStratified(
  set: LabelledImages,
  validationCount: number,
  seed: number,
): { train: LabelledImages; validation: LabelledImages } {
  if (validationCount > set.count) {
    throw new DataFormatError('dataset.validationCount', `${validationCount} validation examples were asked for, but the training data has only ${set.count}; give a smaller validationCount or a validation split`);
  }
  const quotas = proportionalQuotas(classCounts(set.labels, inferNumClasses(set.labels)), validationCount);
  const validationIndices = stratifiedIndices(set.labels, quotas, seed);
  const isValidation = new Uint8Array(set.count);
  for (const index of validationIndices) isValidation[index] = 1;
  const trainIndices: number[] = [];
  for (let i = 0; i < set.count; i++) if (!isValidation[i]) trainIndices.push(i);
  return { train: subsetImages(set, trainIndices), validation: subsetImages(set, validationIndices) };
}

/**
 * `--train-limit`: a seeded stratified sample of `limit` training examples (the set itself when it
 * has no more than that). Validation and test are left alone, so results stay comparable.
 */
export function limitTrainingSet(train: LabelledImages, limit: number | undefined, seed: number): LabelledImages {
  if (limit === undefined) return train;
  if (!Number.isInteger(limit) || limit < 1) throw new RangeError(`trainLimit must be a positive integer, got ${limit}`);
  return limit < train.count ? sampleStratified(train, limit, seed) : train;
}
