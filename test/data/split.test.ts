import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classCounts,
  proportionalQuotas,
  sampleStratified,
  splitStratified,
  stratifiedIndices,
  subsetImages,
} from '../../src/data/split.js';
import { channelStatistics, toShared } from '../../src/data/images.js';
import { tinySet } from './helpers.js';

// 60 examples: class 0 ×30, class 1 ×20, class 2 ×10, interleaved.
const labels = Array.from({ length: 60 }, (_, i) => (i % 6 < 3 ? 0 : i % 6 < 5 ? 1 : 2));
const set = tinySet(labels);

test('proportionalQuotas follows class frequencies and sums exactly', () => {
  assert.deepEqual(proportionalQuotas([30, 20, 10], 12), [6, 4, 2]);
  assert.deepEqual(proportionalQuotas([30, 20, 10], 7), [4, 2, 1]);
  assert.deepEqual(proportionalQuotas([1, 1, 1], 2), [1, 1, 0]);
  assert.throws(() => proportionalQuotas([1, 1], 3), RangeError);
});

test('stratifiedIndices: exact per-class counts, sorted, seeded, uniform-ish', () => {
  const chosen = stratifiedIndices(set.labels, [5, 5, 5], 7);
  assert.equal(chosen.length, 15);
  assert.deepEqual(chosen, [...chosen].sort((a, b) => a - b));
  assert.deepEqual(classCounts(Uint8Array.from(chosen, (i) => set.labels[i]), 3), [5, 5, 5]);
  assert.deepEqual(stratifiedIndices(set.labels, [5, 5, 5], 7), chosen);
  assert.notDeepEqual(stratifiedIndices(set.labels, [5, 5, 5], 8), chosen);
  assert.throws(() => stratifiedIndices(set.labels, [0, 0, 11], 1), /class 2 has 10 examples, 11 requested/);

  // Every class-2 example should be picked about half the time over many seeds.
  const hits = new Array<number>(60).fill(0);
  for (let seed = 0; seed < 400; seed++) for (const i of stratifiedIndices(set.labels, [0, 0, 5], seed)) hits[i]++;
  const class2Hits = hits.filter((_, i) => labels[i] === 2);
  for (const h of class2Hits) assert.ok(h > 140 && h < 260, `hit count ${h} far from 200`);
});

test('splitStratified is a seeded, disjoint, stratified partition', () => {
  const { train, validation } = splitStratified(set, 12, 3);
  assert.equal(train.count, 48);
  assert.equal(validation.count, 12);
  assert.deepEqual(classCounts(validation.labels, 3), [6, 4, 2]);
  assert.deepEqual(classCounts(train.labels, 3), [24, 16, 8]);
  // Pixel 0 of image i is i*7 % 256: every source image appears exactly once across the two parts.
  const firstPixels = (part: typeof train) => Array.from({ length: part.count }, (_, i) => part.images[i * 6]);
  assert.deepEqual([...firstPixels(train), ...firstPixels(validation)].sort((a, b) => a - b), firstPixels(set).sort((a, b) => a - b));
  const again = splitStratified(set, 12, 3);
  assert.deepEqual(again.validation.images, validation.images);
  assert.deepEqual(again.train.labels, train.labels);
  assert.notDeepEqual(splitStratified(set, 12, 4).validation.images, validation.images);  // Asking for more than there is names the config key and the fix, not a placeholder.
  assert.throws(() => splitStratified(set, 500, 3), /^DataFormatError: dataset\.validationCount: 500 validation examples were asked for, but the training data has only 60; give a smaller validationCount/);
});

test('subsetImages copies the right images; sampleStratified keeps proportions', () => {
  const subset = subsetImages(set, [5, 0]);
  assert.deepEqual(Array.from(subset.images), [35, 36, 37, 38, 39, 40, 0, 1, 2, 3, 4, 5]);
  assert.deepEqual(Array.from(subset.labels), [2, 0]);
  assert.throws(() => subsetImages(set, [60]), RangeError);
  assert.deepEqual(classCounts(sampleStratified(set, 30, 1).labels, 3), [15, 10, 5]);
});

test('channelStatistics and toShared', () => {
  const rgb = { images: Uint8Array.of(0, 255, 51, 255, 255, 51), labels: Uint8Array.of(0, 1), count: 2, height: 1, width: 1, channels: 3 };
  const stats = channelStatistics(rgb);
  assert.deepEqual(stats.mean.map((m) => +m.toFixed(6)), [0.5, 1, 0.2]);
  assert.deepEqual(stats.std.map((s) => +s.toFixed(6)), [0.5, 0, 0]);
  const shared = toShared(rgb);
  assert.ok(shared.images.buffer instanceof SharedArrayBuffer);
  assert.ok(shared.labels.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(Array.from(shared.images), Array.from(rgb.images));
});
