/**
 * The released corrupted test sets (CIFAR-10-C, CIFAR-100-C) as the test shift, instead of
 * generated corruptions. The folder holds one <kind>.npy per kind, uint8 (5N, H, W, C), whose rows
 * [(s−1)·N, s·N) are severity s of the N test images in test-set order, and labels.npy (5N,), the
 * test labels five times. At severity s, test image i gets one kind drawn uniformly (seeded; the
 * draw corruptBatch makes) and is row (s−1)·N + i of that kind's file, as in the paper.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataFormatError } from '../data/errors.js';
import { asLabels, formatShape, readNpy } from '../data/npy.js';
import { openNpyRows, type NpyRows } from '../data/npy-rows.js';
import type { LabelledImages } from '../data/types.js';
import { drawKind, type Severity } from './corrupt.js';
import { imageRng } from './random.js';
import { loadSuite } from './suite.js';

const SEVERITIES = 5;
const LABELS_FILE = 'labels.npy';

/** The kinds a released folder must hold and a test image is drawn from: the 15 CIFAR-10-C test kinds. */
export function releasedTestKinds(): string[] {
  return loadSuite('test').kinds;
}

/** Throws unless `dir` holds labels.npy and a <kind>.npy for every kind; names every missing file. */
export function checkReleasedFolder(dir: string, kinds: readonly string[]): void {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new DataFormatError(dir, 'folder not found (expected the extracted CIFAR-10-C or CIFAR-100-C release)');
  }
  const missing = [LABELS_FILE, ...kinds.map((kind) => `${kind}.npy`)].filter((name) => !existsSync(join(dir, name)));
  if (missing.length > 0) {
    throw new DataFormatError(
      dir,
      `missing ${missing.join(', ')}; a CIFAR-10-C / CIFAR-100-C folder holds ${LABELS_FILE} and one <kind>.npy for each of the ${kinds.length} test kinds (${kinds.join(', ')})`,
    );
  }
}

/**
 * The test images at `severity`, each from the kind drawn for it, and the kinds drawn. Checks
 * that the folder is the corrupted release of exactly this test set: every file of the shape
 * (5N, H, W, C) of the N test images, and labels.npy five copies of the test labels.
 */
export function readReleasedTestShift(
  dir: string,
  test: LabelledImages,
  options: { kinds: readonly string[]; severity: Severity; seed: number | string },
): { images: Uint8Array; kinds: string[] } {
  const { kinds, severity, seed } = options;
  if (!Number.isInteger(severity) || severity < 1 || severity > SEVERITIES) throw new RangeError(`severity must be 1…5, got ${severity}`);
  checkReleasedFolder(dir, kinds);
  checkLabels(join(dir, LABELS_FILE), test);
  const size = test.height * test.width * test.channels;
  const files = new Map<string, NpyRows>();
  try {
    for (const kind of kinds) files.set(kind, openKind(join(dir, `${kind}.npy`), test));
    const images = new Uint8Array(test.count * size);
    const drawn: string[] = [];
    for (let index = 0; index < test.count; index++) {
      const kind = drawKind(imageRng(seed, index), kinds);
      files.get(kind)!.readRow((severity - 1) * test.count + index, images, index * size);
      drawn.push(kind);
    }
    return { images, kinds: drawn };
  } finally {
    for (const file of files.values()) file.close();
  }
}

function openKind(path: string, test: LabelledImages): NpyRows {
  const file = openNpyRows(path);
  const expected = [SEVERITIES * test.count, test.height, test.width, test.channels];
  if (file.dtype !== 'uint8' || file.shape.length !== 4 || expected.some((dim, i) => file.shape[i] !== dim)) {
    file.close();
    throw new DataFormatError(
      path,
      `${file.dtype} ${formatShape(file.shape)}, expected uint8 ${formatShape(expected)}: severities 1–5 of the ${test.count} test images`,
    );
  }
  return file;
}

function checkLabels(path: string, test: LabelledImages): void {
  const labels = asLabels(readNpy(path), 256, path);
  if (labels.length !== SEVERITIES * test.count) {
    throw new DataFormatError(path, `${labels.length} labels, expected ${SEVERITIES * test.count}: five copies of the ${test.count} test labels`);
  }
  for (let row = 0; row < labels.length; row++) {
    const index = row % test.count;
    if (labels[row] !== test.labels[index]) {
      throw new DataFormatError(
        path,
        `row ${row} (severity ${Math.floor(row / test.count) + 1}, test image ${index}) has label ${labels[row]}, but test image ${index} has label ${test.labels[index]}; ` +
          'the folder must hold the corrupted copies of this test set in its order (CIFAR-10-C for CIFAR-10, CIFAR-100-C for CIFAR-100 with fine labels)',
      );
    }
  }
}
