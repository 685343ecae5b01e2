import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardSelect, trueClassProbabilities } from '../../src/ensemble/forward-select.js';
import { MetricInputError } from '../../src/evaluate/errors.js';
import { randomPool, specialistPool, referenceGreedyPath, referenceNll, sortedCopy, subsetsOfSize } from './reference.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);

test('hand case: starts from the best single, tie between mirror members goes to the lower index', () => {
  // Singles: NLL(0) = NLL(1) = (−ln .9 − ln .1)/2 ≈ 1.204, NLL(2) = −ln .6 ≈ 0.511.
  // {2,0} and {2,1} both average to {.75,.35} up to point order: an exact tie.
  const pool = [f32([0.9, 0.1]), f32([0.1, 0.9]), f32([0.6, 0.6])];
  assert.deepEqual(forwardSelect(pool, 1), [2]);
  assert.deepEqual(forwardSelect(pool, 2), [2, 0]);
  assert.deepEqual(forwardSelect(pool, 3), [2, 0, 1]);
});

test('greedy prefers a complementary member over the second-best single', () => {
  // Singles: A=(−ln .9 − ln .5)/2 ≈ 0.399, B ≈ 0.481, C=(−ln .4 − ln .95)/2 ≈ 0.484.
  // {A,B}: avg (.875, .475) → ≈ 0.439; {A,C}: avg (.65, .725) → ≈ 0.376.
  const pool = [f32([0.9, 0.5]), f32([0.85, 0.45]), f32([0.4, 0.95])];
  assert.deepEqual(forwardSelect(pool, 2), [0, 2]);
});

test('duplicate members tie exactly and the lower index wins', () => {
  const pool = [f32([0.5, 0.5]), f32([0.7, 0.8]), f32([0.7, 0.8])];
  assert.deepEqual(forwardSelect(pool, 1), [1]);
  assert.deepEqual(forwardSelect(pool, 3), [1, 2, 0]);
});

test('zero probabilities are clipped at 1e-12, not infinite', () => {
  // Member 0 NLL = (−ln 1e-12 + 0)/2 ≈ 13.8; member 1 = −ln .01 ≈ 4.6 → start at 1.
  const pool = [f32([0, 1]), f32([0.01, 0.01])];
  assert.deepEqual(forwardSelect(pool, 1), [1]);
  assert.deepEqual(forwardSelect([f32([0, 0]), f32([0, 0])], 2), [0, 1]);
});

test('pool no larger than size comes back whole in greedy order; size 0 and empty pool give []', () => {
  const pool = randomPool('small-pool', 4, 50);
  const greedyOrder = referenceGreedyPath(pool, 4, false);
  assert.deepEqual(forwardSelect(pool, 4), greedyOrder);
  assert.deepEqual(forwardSelect(pool, 10), greedyOrder);
  assert.deepEqual(forwardSelect(pool, 10, { beam: 3 }).length, 4);
  assert.deepEqual(forwardSelect(pool, 0), []);
  assert.deepEqual(forwardSelect([], 3), []);
});

test('equals the greedy path computed by definition on random pools (K=6, sizes 1..6)', () => {
  for (let trial = 0; trial < 20; trial++) {
    // Odd N exercises the kernel's partial last chunk.
    const pool = randomPool(`greedy-${trial}`, 6, 37 + trial);
    for (let size = 1; size <= 6; size++) {
      assert.deepEqual(forwardSelect(pool, size), referenceGreedyPath(pool, size, false), `trial ${trial} size ${size}`);
    }
  }
});

test('hand case where greedy is suboptimal and a beam of 2 finds the best pair', () => {
  // Singles: G = −ln .6 ≈ 0.511 beats A = B = (−ln .99 − ln .3)/2 ≈ 0.607, so greedy starts at G and
  // pairs it with A: avg (.795, .45) → ≈ 0.514. The specialists together average (.645, .645) → ≈ 0.439.
  const generalist = f32([0.6, 0.6]);
  const pool = [generalist, f32([0.99, 0.3]), f32([0.3, 0.99])];
  assert.deepEqual(forwardSelect(pool, 2), [0, 1]);
  assert.deepEqual(forwardSelect(pool, 2, { beam: 2 }), [1, 2]);
});

test('a beam as wide as all subsets finds the exhaustive best subset of each size', () => {
  let beamBeatsGreedy = 0;
  for (let trial = 0; trial < 20; trial++) {
    const pool = specialistPool(`beam-${trial}`, 6, 40);
    for (let size = 1; size <= 4; size++) {
      let bestSubset: number[] = [];
      let bestNll = Infinity;
      for (const subset of subsetsOfSize(6, size)) {
        const nll = referenceNll(pool, subset);
        if (nll < bestNll) [bestSubset, bestNll] = [subset, nll];
      }
      const chosen = forwardSelect(pool, size, { beam: 20 }); // C(6,3) = 20 is the widest level
      assert.deepEqual(sortedCopy(chosen), bestSubset, `trial ${trial} size ${size}`);
      if (referenceNll(pool, forwardSelect(pool, size)) > bestNll + 1e-12) beamBeatsGreedy++;
    }
  }
  // Makes sure the random pools actually contain cases where greedy is suboptimal.
  assert.ok(beamBeatsGreedy > 0);
});

test('beam 1 is plain greedy and wider beams never do worse than greedy', () => {
  for (let trial = 0; trial < 10; trial++) {
    const pool = randomPool(`beam-mono-${trial}`, 9, 30);
    for (const size of [2, 4, 6]) {
      const greedy = forwardSelect(pool, size);
      assert.deepEqual(forwardSelect(pool, size, { beam: 1 }), greedy);
      const beamed = forwardSelect(pool, size, { beam: 4 });
      assert.equal(new Set(beamed).size, size);
      assert.ok(referenceNll(pool, beamed) <= referenceNll(pool, greedy) + 1e-12);
    }
  }
});

test('trueClassProbabilities picks each row\'s label column', () => {
  const probs = f32([0.1, 0.2, 0.7, 0.5, 0.25, 0.25]);
  assert.deepEqual(Array.from(trueClassProbabilities(probs, Uint8Array.from([2, 0]), 3)), [0.7, 0.5].map(Math.fround));
  assert.deepEqual(Array.from(trueClassProbabilities(probs, Int32Array.from([1, 2]), 3)), [0.2, 0.25].map(Math.fround));
  assert.throws(() => trueClassProbabilities(probs, Uint8Array.from([3, 0]), 3), MetricInputError);
  assert.throws(() => trueClassProbabilities(probs, Uint8Array.from([0, 0, 0]), 3), MetricInputError);
});

test('rejects inconsistent pools, bad sizes and bad beams', () => {
  assert.throws(() => forwardSelect([f32([0.5]), f32([0.5, 0.5])], 1), MetricInputError);
  assert.throws(() => forwardSelect([f32([1.5])], 1), MetricInputError);
  assert.throws(() => forwardSelect([f32([Number.NaN])], 1), MetricInputError);
  assert.throws(() => forwardSelect([f32([])], 1), MetricInputError);
  assert.throws(() => forwardSelect([f32([0.5])], -1), MetricInputError);
  assert.throws(() => forwardSelect([f32([0.5])], 1.5), MetricInputError);
  assert.throws(() => forwardSelect([f32([0.5])], 1, { beam: 0 }), MetricInputError);
});
