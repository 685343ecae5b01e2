/** Readers for the official CIFAR-10-C and MNIST-C release layouts (.npy files). */
import { join } from 'node:path';
import type { LabelledImages } from '../data/types.js';
import { asLabels, readNpy, type NpyArray } from '../data/npy.js';
import type { Severity } from './corrupt.js';

const ROWS_PER_SEVERITY = 10_000;

function uint8Images(array: NpyArray, path: string, expectRank4: boolean): { data: Uint8Array; shape: number[] } {
  if (array.dtype !== 'uint8' || !(array.data instanceof Uint8Array)) throw new Error(`${path}: expected uint8 images, got ${array.dtype}`);
  const shape = array.shape.length === 3 && !expectRank4 ? [...array.shape, 1] : array.shape;
  if (shape.length !== 4) throw new Error(`${path}: expected (N, H, W, C) images, got shape (${array.shape.join(', ')})`);
  return { data: array.data, shape };
}

/**
 * CIFAR-10-C / CIFAR-100-C: rows [(s−1)·10000, s·10000) of <dir>/<kind>.npy ((50000, 32, 32, 3)
 * uint8) and the matching rows of <dir>/labels.npy.
 */
export function readCifar10C(dir: string, kind: string, severity: Severity, numClasses = 10): LabelledImages {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new RangeError(`severity must be 1…5, got ${severity}`);
  const imagePath = join(dir, `${kind}.npy`);
  const labelPath = join(dir, 'labels.npy');
  const { data, shape } = uint8Images(readNpy(imagePath), imagePath, true);
  const [rows, height, width, channels] = shape as [number, number, number, number];
  const labels = asLabels(readNpy(labelPath), numClasses, labelPath);
  const start = (severity - 1) * ROWS_PER_SEVERITY;
  const end = severity * ROWS_PER_SEVERITY;
  if (rows < end || labels.length < end) throw new Error(`${imagePath}: has ${rows} rows and ${labels.length} labels, severity ${severity} needs rows up to ${end}`);
  const size = height * width * channels;
  return {
    images: data.slice(start * size, end * size),
    labels: labels.slice(start, end),
    count: ROWS_PER_SEVERITY,
    height,
    width,
    channels,
  };
}

/** MNIST-C (one severity per kind): <dir>/<kind>/{test,train}_images.npy ((N, 28, 28, 1) uint8) and _labels.npy. */
export function readMnistC(dir: string, kind: string, split: 'test' | 'train' = 'test'): LabelledImages {
  const imagePath = join(dir, kind, `${split}_images.npy`);
  const labelPath = join(dir, kind, `${split}_labels.npy`);
  const { data, shape } = uint8Images(readNpy(imagePath), imagePath, false);
  const [count, height, width, channels] = shape as [number, number, number, number];
  const labels = asLabels(readNpy(labelPath), 10, labelPath);
  if (labels.length !== count) throw new Error(`${labelPath}: ${labels.length} labels for ${count} images`);
  return { images: data, labels, count, height, width, channels };
}
