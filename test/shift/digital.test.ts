/** Digital kinds: brightness, contrast, saturate, elastic transform, pixelate, JPEG. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { corruptImage, createCorruptionRng } from '../../src/shift/index.js';
import type { Severity } from '../../src/shift/index.js';
import { resizeBox } from '../../src/shift/geometry.js';
import { toFloatImage } from '../../src/shift/image.js';
import { mean, meanAbsDifference, meanValue, naturalImage, uniformImage, variance } from './helpers.js';

const SEVERITIES: Severity[] = [1, 2, 3, 4, 5];
const images = (channels: number) => [0, 1, 2, 3].map((i) => naturalImage(`digital${i}`, 32, 32, channels));

test('brightness raises the mean HSV value, more at higher severity; grayscale adds delta', () => {
  for (const channels of [1, 3]) {
    for (const image of images(channels)) {
      let previous = meanValue(image.data, channels);
      for (const severity of SEVERITIES) {
        const value = meanValue(corruptImage('brightness', severity, image, createCorruptionRng(1)), channels);
        assert.ok(value > previous, `c${channels} s${severity}: ${value} ≤ ${previous}`);
        previous = value;
      }
    }
  }
  // Grayscale: g + delta (0.3 at severity 5) then floor: 100 + 76.5 → 176.
  assert.ok(corruptImage('brightness', 5, uniformImage(4, 4, 1, 100), createCorruptionRng(1)).every((v) => v === 176));
  // RGB: hue and saturation kept, so channel ratios are kept.
  const out = corruptImage('brightness', 3, { data: Uint8Array.from([100, 50, 25]), height: 1, width: 1, channels: 3 }, createCorruptionRng(1));
  assert.ok(Math.abs(out[0]! / out[1]! - 2) < 0.03 && Math.abs(out[1]! / out[2]! - 2) < 0.06, `${[...out]}`);
});

test('contrast lowers the standard deviation and keeps each channel mean', () => {
  for (const channels of [1, 3]) {
    for (const image of images(channels)) {
      const before = variance(image.data);
      let previous = before;
      for (const severity of SEVERITIES) {
        const out = corruptImage('contrast', severity, image, createCorruptionRng(1));
        const after = variance(out);
        assert.ok(after < previous, `c${channels} s${severity}`);
        assert.ok(Math.abs(mean(out) - mean(image.data)) < 1, 'mean kept (up to flooring)');
        previous = after;
      }
    }
  }
});

test('saturate: scale < 1 moves colours towards grey, > 1 away; greys get the reference red tint', () => {
  const colourful = images(3)[0]!;
  const spread = (data: Uint8Array): number => {
    let sum = 0;
    for (let p = 0; p < data.length; p += 3) sum += Math.max(data[p]!, data[p + 1]!, data[p + 2]!) - Math.min(data[p]!, data[p + 1]!, data[p + 2]!);
    return sum / (data.length / 3);
  };
  const before = spread(colourful.data);
  assert.ok(spread(corruptImage('saturate', 2, colourful, createCorruptionRng(1))) < 0.2 * before);
  assert.ok(spread(corruptImage('saturate', 3, colourful, createCorruptionRng(1))) > before);
  // A grey pixel has hue 0 in skimage: severity 5 (shift 0.2) gives (V, 0.8·V, 0.8·V).
  const grey = corruptImage('saturate', 5, uniformImage(1, 1, 3, 200), createCorruptionRng(1));
  assert.deepEqual([...grey], [200, 160, 160]);
  // Grayscale: unchanged without shift; with shift, the luma of the tinted grey.
  const gray = naturalImage('gray', 16, 16, 1);
  assert.deepEqual(corruptImage('saturate', 3, gray, createCorruptionRng(1)), gray.data);
  assert.equal(corruptImage('saturate', 5, uniformImage(1, 1, 1, 200), createCorruptionRng(1))[0], Math.floor(200 * (1 - 0.701 * 0.2)));
});

test('elastic_transform keeps flat images flat and moves pixels of textured ones', () => {
  for (const severity of SEVERITIES) {
    assert.ok(corruptImage('elastic_transform', severity, uniformImage(32, 32, 3, 77), createCorruptionRng(severity)).every((v) => v === 77));
    const image = images(3)[1]!;
    assert.ok(meanAbsDifference(corruptImage('elastic_transform', severity, image, createCorruptionRng(severity)), image.data) > 1);
  }
});

test('pixelate: PIL BOX resize; changes more at higher severity', () => {
  const flat = toFloatImage(uniformImage(32, 32, 3, 123));
  assert.ok(resizeBox(flat, 24, 24).data.every((v) => Math.abs(v - 123 / 255) < 1e-12));
  // Upscaling with BOX is nearest-neighbour.
  const tiny = toFloatImage({ data: Uint8Array.from([0, 255]), height: 1, width: 2, channels: 1 });
  assert.deepEqual([...resizeBox(tiny, 4, 1).data].map((v) => Math.round(v * 255)), [0, 0, 255, 255]);
  for (const channels of [1, 3]) {
    let previous = 0;
    for (const severity of SEVERITIES) {
      const change = mean(images(channels).map((image) => meanAbsDifference(corruptImage('pixelate', severity, image, createCorruptionRng(1)), image.data)));
      assert.ok(change > previous, `c${channels} s${severity}: ${change} ≤ ${previous}`);
      previous = change;
    }
  }
});

test('jpeg_compression: round-trip error grows as quality falls (80, 65, 58, 50, 40)', () => {
  for (const channels of [1, 3]) {
    let previous = 0;
    for (const severity of SEVERITIES) {
      const error = mean(images(channels).map((image) => meanAbsDifference(corruptImage('jpeg_compression', severity, image, createCorruptionRng(1)), image.data)));
      assert.ok(error > previous, `c${channels} s${severity}: ${error} ≤ ${previous}`);
      previous = error;
    }
  }
});
