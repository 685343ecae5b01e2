/** Readers for the official CIFAR-10-C and MNIST-C release layouts (.npy files). */
import { join } from 'node:path';
import type { LabelledImages } from '../data/types.js';
import { asLabels, readNpy, type NpyArray } from '../data/npy.js';
import type { Severity } from './corrupt.js';

const SEVERITIES = 5;

function uint8Images(array: NpyArray, path: string, expectRank4: boolean): { data: Uint8Array; shape: number[] } {
  if (array.dtype !== 'uint8' || !(array.data instanceof Uint8Array)) throw new Error(`${path}: expected uint8 images, got ${array.dtype}`);
  const shape = array.shape.length === 3 && !expectRank4 ? [...array.shape, 1] : array.shape;
  if (shape.length !== 4) throw new Error(`${path}: expected (N, H, W, C) images, got shape (${array.shape.join(', ')})`);
  return { data: array.data, shape };
}

/**
 * CIFAR-10-C / CIFAR-100-C: rows [(s−1)·10000, s·10000) of <dir>/<kind>.npy ((50000, 32, 32, 3)
 * uint8) and the matching rows of <dir>/labels.npy. The file holds severities 1…5 as five equal
 * blocks of rows, so smaller files of the same layout work too.
 */
export function readCifar10C(dir: string, kind: string, severity: Severity, numClasses = 10): LabelledImages {
  if (!Number.isInteger(severity) || severity < 1 || severity > 5) throw new RangeError(`severity must be 1…5, got ${severity}`);
  const imagePath = join(dir, `${kind}.npy`);
  const labelPath = join(dir, 'labels.npy');
  const { data, shape } = uint8Images(readNpy(imagePath), imagePath, true);
  const [rows, height, width, channels] = shape as [number, number, number, number];
  const labels = asLabels(readNpy(labelPath), numClasses, labelPath);
  if (rows % SEVERITIES !== 0 || labels.length !== rows) {
    throw new Error(`${imagePath}: ${rows} rows and ${labels.length} labels; expected equal counts, five blocks of severities`);
  }
  const perSeverity = rows / SEVERITIES;
  const start = (severity - 1) * perSeverity;
  const end = severity * perSeverity;
  const size = height * width * channels;
  return {
    images: data.slice(start * size, end * size),
    labels: labels.slice(start, end),
    count: perSeverity,
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
