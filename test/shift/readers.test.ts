/** readCifar10C / readMnistC on small files in the official release layout. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeNpy } from '../../src/data/npy.js';
import { readCifar10C, readMnistC } from '../../src/shift/index.js';

test('readCifar10C returns the severity block of <kind>.npy and labels.npy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-cifar-c-'));
  const perSeverity = 4;
  const rows = 5 * perSeverity;
  const size = 32 * 32 * 3;
  // Row r is filled with the value r, labels are r mod 10.
  const images = new Uint8Array(rows * size);
  for (let r = 0; r < rows; r++) images.fill(r, r * size, (r + 1) * size);
  writeNpy(join(dir, 'fog.npy'), { dtype: 'uint8', shape: [rows, 32, 32, 3], data: images });
  writeNpy(join(dir, 'labels.npy'), { dtype: 'int64', shape: [rows], data: BigInt64Array.from({ length: rows }, (_, r) => BigInt(r % 10)) });
  const severity3 = readCifar10C(dir, 'fog', 3);
  assert.equal(severity3.count, perSeverity);
  assert.deepEqual([severity3.height, severity3.width, severity3.channels], [32, 32, 3]);
  assert.equal(severity3.images.length, perSeverity * size);
  assert.equal(severity3.images[0], 2 * perSeverity);
  assert.equal(severity3.images[severity3.images.length - 1], 3 * perSeverity - 1);
  assert.deepEqual([...severity3.labels], [8, 9, 0, 1]);
  assert.throws(() => readCifar10C(dir, 'snow', 1), /snow\.npy/);
});

test('readMnistC reads <kind>/test_images.npy (N, 28, 28, 1) and test_labels.npy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nes-mnist-c-'));
  mkdirSync(join(dir, 'shot_noise'));
  writeNpy(join(dir, 'shot_noise', 'test_images.npy'), { dtype: 'uint8', shape: [3, 28, 28, 1], data: new Uint8Array(3 * 28 * 28).fill(9) });
  writeNpy(join(dir, 'shot_noise', 'test_labels.npy'), { dtype: 'uint8', shape: [3], data: Uint8Array.from([1, 2, 3]) });
  const set = readMnistC(dir, 'shot_noise');
  assert.deepEqual([set.count, set.height, set.width, set.channels], [3, 28, 28, 1]);
  assert.deepEqual([...set.labels], [1, 2, 3]);
});
