/** Every kind at every severity: deterministic per seed, shape and dtype kept, 1 and 3 channels, any size. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KINDS, corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { naturalImage } from './helpers.js';

const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
// Kinds whose result does not depend on the random source.
const DETERMINISTIC = new Set(['defocus_blur', 'zoom_blur', 'gaussian_blur', 'brightness', 'contrast', 'saturate', 'pixelate', 'jpeg_compression']);
const SHAPES: [number, number, number][] = [
  [32, 32, 3],
  [28, 28, 1],
  [20, 26, 3],
];

for (const kind of Object.keys(KINDS)) {
  test(`${kind}: seeded, shape-preserving, uint8 on 1 and 3 channels at every severity`, () => {
    let seedMatters = false;
    for (const [height, width, channels] of SHAPES) {
      const image = naturalImage(`${kind}/${height}`, height, width, channels);
      for (const severity of SEVERITIES) {
        const first = corruptImage(kind, severity, image, createCorruptionRng('seed-1'));
        const again = corruptImage(kind, severity, image, createCorruptionRng('seed-1'));
        assert.ok(first instanceof Uint8Array);
        assert.equal(first.length, height * width * channels);
        assert.deepEqual(first, again, `${kind} s${severity} ${height}×${width}×${channels} not reproducible`);
        const other = corruptImage(kind, severity, image, createCorruptionRng('seed-2'));
        if (DETERMINISTIC.has(kind)) assert.deepEqual(first, other, `${kind} s${severity} depends on the seed`);
        else if (!first.every((v, i) => v === other[i])) seedMatters = true;
      }
    }
    if (!DETERMINISTIC.has(kind)) assert.ok(seedMatters, `${kind} ignores the seed`);
  });
}

test('float input (0..1) gives the same result as the equal uint8 input', () => {
  const image = naturalImage('float', 24, 24, 3);
  const asFloat = { ...image, data: Float32Array.from(image.data, (v) => v / 255) };
  for (const kind of Object.keys(KINDS)) {
    const fromBytes = corruptImage(kind, 3, image, createCorruptionRng(7));
    const fromFloats = corruptImage(kind, 3, asFloat, createCorruptionRng(7));
    // float32 storage of v/255 can move a value across a rounding boundary by one level.
    let largest = 0;
    for (let i = 0; i < fromBytes.length; i++) largest = Math.max(largest, Math.abs(fromBytes[i]! - fromFloats[i]!));
    assert.ok(largest <= 1, `${kind}: float and uint8 inputs differ by ${largest}`);
  }
});

test('rejects bad input', () => {
  const image = naturalImage('bad', 8, 8, 3);
  assert.throws(() => corruptImage('not_a_kind', 1, image, createCorruptionRng(1)), /unknown corruption kind/);
  assert.throws(() => corruptImage('fog', 6 as Severity, image, createCorruptionRng(1)), /severity/);
  assert.throws(() => corruptImage('fog', 1, { ...image, channels: 2 }, createCorruptionRng(1)), /channels/);
  assert.throws(() => corruptImage('fog', 1, { ...image, height: 9 }, createCorruptionRng(1)), /values/);
});
