/** The JPEG step writes what PIL writes: 4:2:0 baseline with libjpeg's scaled standard tables (issue 14). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import { decodeJpeg, encodeJpeg } from '../../src/shift/jpeg-codec.js';
import { ZIGZAG } from '../../src/shift/jpeg-tables.js';
import { naturalImage } from './helpers.js';

function rgba(image: { data: Uint8Array; height: number; width: number; channels: number }): { data: Uint8Array; width: number; height: number } {
  const pixels = image.height * image.width;
  const data = new Uint8Array(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    for (let k = 0; k < 3; k++) data[4 * p + k] = image.data[p * image.channels + (image.channels === 3 ? k : 0)]!;
    data[4 * p + 3] = 255;
  }
  return { data, width: image.width, height: image.height };
}

/** The body of the first marker segment `marker` (after its length bytes). */
function segmentBody(bytes: Uint8Array, marker: number): Uint8Array {
  for (let i = 2; i + 4 <= bytes.length; ) {
    assert.equal(bytes[i], 0xff, `marker expected at byte ${i}`);
    const length = (bytes[i + 2]! << 8) | bytes[i + 3]!;
    if (bytes[i + 1] === marker) return bytes.subarray(i + 4, i + 2 + length);
    i += 2 + length;
  }
  throw new Error(`no marker 0xFF${marker.toString(16)}`);
}

test('jpeg: SOF0 samples luma 2×2 and chroma 1×1 (4:2:0); DQT holds the tables PIL writes at quality 80', () => {
  const bytes = encodeJpeg(rgba(naturalImage('jpeg-header', 20, 26, 3)), 80);
  assert.deepEqual([...bytes.subarray(0, 2)], [0xff, 0xd8]);
  assert.deepEqual([...bytes.subarray(-2)], [0xff, 0xd9]);
  const frame = segmentBody(bytes, 0xc0);
  assert.deepEqual([...frame.subarray(0, 6)], [8, 0, 20, 0, 26, 3]);
  assert.deepEqual([frame[7], frame[10], frame[13]], [0x22, 0x11, 0x11]);
  const tables = segmentBody(bytes, 0xdb);
  const natural = (offset: number): number[] => {
    const table = new Array<number>(64);
    ZIGZAG.forEach((index, k) => (table[index] = tables[offset + k]!));
    return table;
  };
  // First rows of the tables PIL 9.4 (libjpeg) writes for quality=80, natural order.
  assert.deepEqual(natural(1).slice(0, 8), [6, 4, 4, 6, 10, 16, 20, 24]);
  assert.deepEqual(natural(66).slice(0, 8), [7, 7, 10, 19, 40, 40, 40, 40]);
});

test('jpeg: colour detail finer than 2×2 pixels is averaged away, as with PIL, while luma stays', () => {
  // Alternating red and blue columns: |R − B| = 140 everywhere. PIL at quality 80 returns row 8
  // as (144, 73, 143), (118, 47, 117), (144, 73, 143), (117, 46, 116): purple, |R − B| ≈ 1.
  const image = { data: new Uint8Array(16 * 16 * 3), height: 16, width: 16, channels: 3 };
  for (let p = 0; p < 256; p++) image.data.set(p % 2 === 0 ? [200, 60, 60] : [60, 60, 200], 3 * p);
  const decoded = decodeJpeg(encodeJpeg(rgba(image), 80));
  let redMinusBlue = 0;
  for (let p = 0; p < 256; p++) redMinusBlue += Math.abs(decoded[4 * p]! - decoded[4 * p + 2]!);
  assert.ok(redMinusBlue / 256 < 5, `mean |R − B| = ${redMinusBlue / 256}`);
  const pil = [144, 73, 143, 118, 47, 117, 144, 73, 143, 117, 46, 116];
  const row8 = corruptImage('jpeg_compression', 1, image, createCorruptionRng(1)).subarray(3 * 16 * 8, 3 * 16 * 8 + 12);
  assert.ok(row8.every((v, i) => Math.abs(v - pil[i]!) <= 2), `row 8 starts ${[...row8]}, PIL ${pil}`);
});
