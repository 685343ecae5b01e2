import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caruanaSelect } from '../../src/ensemble/caruana.js';
import { MetricInputError } from '../../src/evaluate/errors.js';
import { randomPool, referenceGreedyPath, specialistPool } from './reference.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

test('hand case: selects with replacement and weights by counts', () => {
  // A ≈ 0.399 < B ≈ 0.484; {A,B} ≈ 0.376 < {A,A} = 0.399;
  // {A,A,B}: avg (.733, .65) ≈ 0.371 < {A,B,B}: avg (.567, .8) ≈ 0.396.
  const pool = [f32([0.9, 0.5]), f32([0.4, 0.95])];
  const selection = caruanaSelect(pool, 3);
  assert.deepEqual(selection.members, [0, 1, 0]);
  assert.deepEqual(selection.weights, [2 / 3, 1 / 3]);
});

test('ties go to the lower index; a one-member pool repeats it', () => {
  const twins = [f32([0.6, 0.7]), f32([0.6, 0.7])];
  assert.deepEqual(caruanaSelect(twins, 3), { members: [0, 0, 0], weights: [1, 0] });
  assert.deepEqual(caruanaSelect([f32([0.5])], 2), { members: [0, 0], weights: [1] });
});

test('equals the with-replacement greedy path computed by definition (K=6, sizes 1..8)', () => {
  for (let trial = 0; trial < 20; trial++) {
    const pool = trial % 2 === 0 ? randomPool(`caruana-${trial}`, 6, 41) : specialistPool(`caruana-${trial}`, 6, 41);
    for (let size = 1; size <= 8; size++) {
      const { members, weights } = caruanaSelect(pool, size);
      assert.deepEqual(members, referenceGreedyPath(pool, size, true), `trial ${trial} size ${size}`);
      const counts = weights.map((weight) => Math.round(weight * size));
      for (const [index, count] of counts.entries()) assert.equal(count, members.filter((m) => m === index).length);
    }
  }
});

test('size 0 and empty pools select nothing; bad input throws', () => {
  assert.deepEqual(caruanaSelect([f32([0.5]), f32([0.2])], 0), { members: [], weights: [0, 0] });
  assert.deepEqual(caruanaSelect([], 4), { members: [], weights: [] });
  assert.throws(() => caruanaSelect([f32([0.5]), f32([0.5, 0.1])], 2), MetricInputError);
  assert.throws(() => caruanaSelect([f32([0.5])], -2), MetricInputError);
});
