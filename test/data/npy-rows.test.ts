import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../src/data/npy.js';
import { openNpyRows } from '../../src/data/npy-rows.js';
import { makeTempDir } from './helpers.js';

test('openNpyRows reads single rows where they lie and checks the file size against the header', () => {
  const dir = makeTempDir('npy-rows');
  try {
    const path = join(dir, 'x.npy');
    // Row r of (4, 2, 3) holds 6r, 6r + 1, …, 6r + 5.
    writeNpy(path, { dtype: 'uint8', shape: [4, 2, 3], data: Uint8Array.from({ length: 24 }, (_, i) => i) });
    const rows = openNpyRows(path);
    assert.deepEqual([rows.dtype, rows.shape, rows.rowBytes], ['uint8', [4, 2, 3], 6]);
    const out = new Uint8Array(8);
    rows.readRow(2, out, 1);
    assert.deepEqual([...out], [0, 12, 13, 14, 15, 16, 17, 0]);
    assert.throws(() => rows.readRow(4, out, 0), /row 4 outside \[0, 4\)/);
    rows.close();
    truncateSync(path, rows.dataStart + 20);
    assert.throws(() => openNpyRows(path), /x\.npy: truncated data: expected 24 bytes for uint8 \(4, 2, 3\), got 20/);
    assert.throws(() => openNpyRows(join(dir, 'absent.npy')), /absent\.npy: cannot read file \(ENOENT\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
