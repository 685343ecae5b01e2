import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { loadNpyDataset } from '../../src/data/npy-dataset.js';
import { makeTempDir } from './helpers.js';

test('loadNpyDataset reads (N,H,W) and (N,H,W,C) uint8 with int64 labels, and rejects bad input', () => {
  const dir = makeTempDir('npyds');
  const path = (name: string) => join(dir, name);
  try {
    const gray = Uint8Array.from({ length: 3 * 2 * 2 }, (_, i) => i);
    writeNpy(path('gray.npy'), { dtype: 'uint8', shape: [3, 2, 2], data: gray });
    writeNpy(path('labels.npy'), { dtype: 'int64', shape: [3], data: BigInt64Array.of(4n, 0n, 2n) });
    const set = loadNpyDataset(path('gray.npy'), path('labels.npy'));
    assert.deepEqual({ ...set, images: Array.from(set.images), labels: Array.from(set.labels) }, {
      images: Array.from(gray), labels: [4, 0, 2], count: 3, height: 2, width: 2, channels: 1,
    });

    writeNpy(path('rgb.npy'), { dtype: 'uint8', shape: [3, 2, 1, 3], data: new Uint8Array(18) });
    const rgb = loadNpyDataset(path('rgb.npy'), path('labels.npy'), 10);
    assert.deepEqual([rgb.count, rgb.height, rgb.width, rgb.channels], [3, 2, 1, 3]);

    assert.throws(() => loadNpyDataset(path('gray.npy'), path('labels.npy'), 4), /labels\.npy: label at index 0 is 4, expected a class in \[0, 4\)/);
    writeNpy(path('float.npy'), { dtype: 'float32', shape: [3, 2, 2], data: new Float32Array(12) });
    assert.throws(() => loadNpyDataset(path('float.npy'), path('labels.npy')), /float\.npy: dtype float32, expected uint8/);
    writeNpy(path('flat.npy'), { dtype: 'uint8', shape: [12], data: gray });
    assert.throws(() => loadNpyDataset(path('flat.npy'), path('labels.npy')), /flat\.npy: shape \(12,\), expected \(N, H, W\) or \(N, H, W, C\)/);
    writeNpy(path('two-labels.npy'), { dtype: 'int32', shape: [2], data: Int32Array.of(0, 1) });
    assert.throws(() => loadNpyDataset(path('gray.npy'), path('two-labels.npy')), /two-labels\.npy: shape \(2,\), expected \(3,\) to match/);
    writeNpy(path('float-labels.npy'), { dtype: 'float64', shape: [3], data: Float64Array.of(0, 1, 2) });
    assert.throws(() => loadNpyDataset(path('gray.npy'), path('float-labels.npy')), /expected an integer dtype/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
