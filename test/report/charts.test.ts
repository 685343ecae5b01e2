import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readableDomain } from '../../src/report/charts.js';

test('readableDomain keeps tiny differences small: at least 15 % of the largest value, centred on the data', () => {
  // Error 22.2 %–23.4 %: the axis spans 15 % of 0.234 instead of 1.2 points.
  const [low, high] = readableDomain([0.222, 0.234, 0.228]);
  assert.ok(Math.abs(high - low - 0.15 * 0.234) < 1e-12);
  assert.ok(Math.abs((low + high) / 2 - 0.228) < 1e-12);
  // A wide range is kept, with 5 % padding, never below 0.
  assert.deepEqual(readableDomain([0.5, 2.5]), [0.4, 2.6]);
  assert.deepEqual(readableDomain([0.001, 0.002]).map((v) => +v.toFixed(6)), [0.00095, 0.00205]);
  assert.deepEqual(readableDomain([]), [0, 1]);
});
