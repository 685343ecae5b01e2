import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataFormatError } from '../../src/data/errors.js';
import { encodeIdx, readIdxImages, readIdxLabels, readIdxPair, writeIdx } from '../../src/data/idx.js';
import { makeTempDir } from './helpers.js';

function withDir(body: (dir: string) => void): void {
  const dir = makeTempDir('idx');
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function assertDataError(fn: () => unknown, message: RegExp): void {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof DataFormatError, `expected DataFormatError, got ${String(error)}`);
    assert.match(error.message, message);
    assert.ok(!error.message.includes('\n'), 'one line');
    return true;
  });
}

const pixels = Uint8Array.from({ length: 3 * 4 * 5 }, (_, i) => i);

test('gzipped and raw IDX round-trip', () => {
  withDir((dir) => {
    writeIdx(join(dir, 'img.gz'), pixels, [3, 4, 5]);
    writeIdx(join(dir, 'lab.gz'), Uint8Array.of(2, 0, 9), [3]);
    const gz = readFileSync(join(dir, 'img.gz'));
    assert.deepEqual([gz[0], gz[1]], [0x1f, 0x8b]);
    const images = readIdxImages(join(dir, 'img.gz'));
    assert.deepEqual({ ...images, images: undefined }, { images: undefined, count: 3, height: 4, width: 5, channels: 1 });
    assert.deepEqual(images.images, pixels);
    assert.deepEqual(readIdxLabels(join(dir, 'lab.gz')), Uint8Array.of(2, 0, 9));

    // Raw (uncompressed) with a misleading name: detection is by magic bytes.
    writeFileSync(join(dir, 'raw.gz'), encodeIdx(pixels, [3, 4, 5]));
    assert.deepEqual(readIdxImages(join(dir, 'raw.gz')).images, pixels);

    const pair = readIdxPair(join(dir, 'img.gz'), join(dir, 'lab.gz'));
    assert.equal(pair.count, 3);
    assert.equal(pair.images.byteOffset, 0);
  });
});

test('IDX errors name the file and say what was expected', () => {
  withDir((dir) => {
    const path = (name: string) => join(dir, name);
    writeFileSync(path('labels-as-images'), encodeIdx(Uint8Array.of(1, 2), [2]));
    assertDataError(() => readIdxImages(path('labels-as-images')), /labels-as-images: bad magic number 0x00000801 \(expected 0x00000803 for IDX ubyte images\)/);

    const int32Magic = encodeIdx(pixels, [3, 4, 5]);
    int32Magic[2] = 0x0c;
    writeFileSync(path('int32'), int32Magic);
    assertDataError(() => readIdxImages(path('int32')), /int32: bad magic number 0x00000c03/);

    const full = encodeIdx(pixels, [3, 4, 5]);
    writeFileSync(path('truncated.gz'), gzipSync(full.subarray(0, full.length - 7)));
    assertDataError(() => readIdxImages(path('truncated.gz')), /truncated\.gz: truncated data: expected 60 bytes for dimensions 3×4×5, got 53/);
    writeFileSync(path('short-header'), full.subarray(0, 9));
    assertDataError(() => readIdxImages(path('short-header')), /short-header: truncated header: expected 16 bytes, got 9/);
    writeFileSync(path('trailing'), Buffer.concat([full, Uint8Array.of(0)]));
    assertDataError(() => readIdxImages(path('trailing')), /trailing bytes after data: expected 60 bytes/);

    writeIdx(path('out-of-range.gz'), Uint8Array.of(0, 10, 3), [3]);
    assertDataError(() => readIdxLabels(path('out-of-range.gz')), /out-of-range\.gz: label at index 1 is 10, expected a class in \[0, 10\)/);
    assert.deepEqual(readIdxLabels(path('out-of-range.gz'), 11), Uint8Array.of(0, 10, 3));

    const gz = gzipSync(full);
    gz.fill(0x55, 12, 40);
    writeFileSync(path('corrupt.gz'), gz);
    assertDataError(() => readIdxImages(path('corrupt.gz')), /corrupt\.gz: corrupt gzip data/);
    writeFileSync(path('cut.gz'), gzipSync(full).subarray(0, 20));
    assertDataError(() => readIdxImages(path('cut.gz')), /cut\.gz: corrupt gzip data/);

    writeIdx(path('img.gz'), pixels, [3, 4, 5]);
    writeIdx(path('four-labels.gz'), Uint8Array.of(0, 1, 2, 3), [4]);
    assertDataError(
      () => readIdxPair(path('img.gz'), path('four-labels.gz')),
      /four-labels\.gz: 4 labels, expected 3 to match the images in .*img\.gz/,
    );
    assertDataError(() => readIdxImages(path('missing.gz')), /missing\.gz: cannot read file \(ENOENT\)/);
  });
});
