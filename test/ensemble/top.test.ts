import { test } from 'node:test';
import assert from 'node:assert/strict';
import { topSelect } from '../../src/ensemble/top.js';
import { MetricInputError } from '../../src/evaluate/errors.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

test('orders by single-model NLL, ties to the lower index, capped at the pool size', () => {
  // NLLs: 0 → −ln .5 ≈ .693; 1 → (−ln .9 − ln .8)/2 ≈ .164; 2 → same as 0; 3 → clipped, ≈ 13.8.
  const pool = [f32([0.5, 0.5]), f32([0.9, 0.8]), f32([0.5, 0.5]), f32([0, 1])];
  assert.deepEqual(topSelect(pool, 2), [1, 0]);
  assert.deepEqual(topSelect(pool, 3), [1, 0, 2]);
  assert.deepEqual(topSelect(pool, 10), [1, 0, 2, 3]);
  assert.deepEqual(topSelect(pool, 0), []);
  assert.deepEqual(topSelect([], 2), []);
  assert.throws(() => topSelect(pool, 0.5), MetricInputError);
});
