/**
 * Small files in the official CIFAR byte layouts: binary releases (label bytes + R, G, B planes)
 * and CIFAR-10-C folders (<kind>.npy of five severity blocks, labels.npy).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';

const PLANE = 1024;

/** The byte at (record r, channel c, pixel p): varies with record and pixel; each channel has its own mean. */
export function cifarPixel(record: number, channel: number, pixel: number): number {
  return ((record * 7 + pixel * 3) % 128) + channel * 60;
}

/** Records of `labelBytes` (one array of label bytes per record), pixels from cifarPixel(first + r, …). */
export function cifarRecords(labelBytes: number[][], first = 0): Uint8Array {
  const size = (labelBytes[0]?.length ?? 1) + 3 * PLANE;
  const out = new Uint8Array(labelBytes.length * size);
  labelBytes.forEach((labels, r) => {
    out.set(labels, r * size);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < PLANE; p++) out[r * size + labels.length + c * PLANE + p] = cifarPixel(first + r, c, p);
    }
  });
  return out;
}

/** Label of record `index` of a synthetic file: every class appears. */
export const syntheticLabel = (index: number, numClasses: number) => (index * 3) % numClasses;

/**
 * A CIFAR-10 release folder: five batches of `perBatch` records (training record k has label
 * syntheticLabel(k, 10) and pixels cifarPixel(k, …)), a test batch of `test` records (pixels
 * cifarPixel(100000 + k, …)) and batches.meta.txt.
 */
export function writeCifar10Folder(dir: string, perBatch: number, test: number): void {
  mkdirSync(dir, { recursive: true });
  for (let b = 0; b < 5; b++) {
    const first = b * perBatch;
    const labels = Array.from({ length: perBatch }, (_, i) => [syntheticLabel(first + i, 10)]);
    writeFileSync(join(dir, `data_batch_${b + 1}.bin`), cifarRecords(labels, first));
  }
  writeFileSync(join(dir, 'test_batch.bin'), cifarRecords(Array.from({ length: test }, (_, i) => [syntheticLabel(i, 10)]), 100_000));
  const names = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
  writeFileSync(join(dir, 'batches.meta.txt'), names.join('\n') + '\n\n');
}

/** A CIFAR-100 folder: record k has coarse label k mod 20 and fine label syntheticLabel(k, 100). */
export function writeCifar100Folder(dir: string, train: number, test: number): void {
  mkdirSync(dir, { recursive: true });
  const labels = (count: number) => Array.from({ length: count }, (_, i) => [i % 20, syntheticLabel(i, 100)]);
  writeFileSync(join(dir, 'train.bin'), cifarRecords(labels(train)));
  writeFileSync(join(dir, 'test.bin'), cifarRecords(labels(test), 100_000));
  writeFileSync(join(dir, 'fine_label_names.txt'), Array.from({ length: 100 }, (_, i) => `fine${i}`).join('\n') + '\n');
  writeFileSync(join(dir, 'coarse_label_names.txt'), Array.from({ length: 20 }, (_, i) => `coarse${i}`).join('\n') + '\n');
}

/**
 * A CIFAR-10-C-layout folder for a test split of `labels`: each <kind>.npy is uint8
 * (5N, 32, 32, 3); row (s−1)·N + i of the k-th kind's file starts with the bytes k, s, i (see
 * releasedOrigin), the rest of the row a value of those three.
 */
export function writeReleasedFolder(dir: string, kinds: readonly string[], labels: readonly number[]): void {
  mkdirSync(dir, { recursive: true });
  const n = labels.length;
  const size = 32 * 32 * 3;
  kinds.forEach((kind, k) => {
    const data = new Uint8Array(5 * n * size);
    for (let s = 1; s <= 5; s++) {
      for (let i = 0; i < n; i++) {
        const start = ((s - 1) * n + i) * size;
        data.fill((k * 13 + s * 41 + i * 7) % 256, start, start + size);
        data.set([k, s, i], start);
      }
    }
    writeNpy(join(dir, `${kind}.npy`), { dtype: 'uint8', shape: [5 * n, 32, 32, 3], data });
  });
  const repeated = BigInt64Array.from({ length: 5 * n }, (_, r) => BigInt(labels[r % n]!));
  writeNpy(join(dir, 'labels.npy'), { dtype: 'int64', shape: [5 * n], data: repeated });
}

/** Which file and row an image of writeReleasedFolder came from: its first three bytes. */
export function releasedOrigin(image: Uint8Array): { kind: number; severity: number; index: number } {
  return { kind: image[0]!, severity: image[1]!, index: image[2]! };
}
