import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageProbs, brier, ece, errorRate, MetricInputError, nll, reliability } from '../../src/evaluate/metrics.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);
const close = (actual: number, expected: number, message?: string): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message ?? ''} ${actual} ≉ ${expected}`);

// Row 0 right (conf .7); row 1 wrong (argmax 2, conf .4); row 2 tie 0/1 → class 0, wrong (conf .5).
const probs = f32([0.7, 0.2, 0.1, 0.3, 0.3, 0.4, 0.5, 0.5, 0]);
const labels = Uint8Array.from([0, 1, 1]);

test('nll, error and brier on a hand case (argmax tie → lower class)', () => {
  close(nll(probs, labels, 3), -(Math.log(0.7) + Math.log(0.3) + Math.log(0.5)) / 3);
  assert.equal(errorRate(probs, labels, 3), 2 / 3);
  // (.09+.04+.01) + (.09+.49+.16) + (.25+.25+0) = 1.38
  close(brier(probs, labels, 3), 1.38 / 3);
  assert.equal(errorRate(probs, Int32Array.from([0, 2, 0]), 3), 0);
});

test('ece and reliability with 4 bins: (.25,.5] holds .4 and the boundary .5, empty bins skipped', () => {
  const table = reliability(probs, labels, 3, 4);
  assert.deepEqual(
    table.map(({ lower, upper, count }) => [lower, upper, count]),
    [[0, 0.25, 0], [0.25, 0.5, 2], [0.5, 0.75, 1], [0.75, 1, 0]],
  );
  close(table[1]!.meanConfidence, 0.45);
  assert.equal(table[1]!.accuracy, 0);
  close(table[2]!.meanConfidence, 0.7);
  assert.equal(table[2]!.accuracy, 1);
  assert.ok(Number.isNaN(table[0]!.meanConfidence) && Number.isNaN(table[3]!.accuracy));
  // (2/3)·|0 − .45| + (1/3)·|1 − .7| = .3 + .1
  close(ece(probs, labels, 3, 4), 0.4);
});

test('confidence 1.0 falls in the last bin and confidence 0 in the first', () => {
  const certain = f32([1, 0, 0, 1]);
  const table = reliability(certain, Uint8Array.from([0, 0]), 2, 15);
  assert.equal(table[14]!.count, 2);
  assert.equal(table[14]!.accuracy, 0.5);
  close(ece(certain, Uint8Array.from([0, 0]), 2, 15), 0.5);
  const allZero = f32([0, 0]);
  const zeroTable = reliability(allZero, Uint8Array.from([0, 0]), 1, 10);
  assert.equal(zeroTable[0]!.count, 2);
  assert.equal(zeroTable[0]!.accuracy, 1); // argmax of a single class is always class 0
  close(ece(allZero, Uint8Array.from([0, 0]), 1, 10), 1);
});

test('default 15 bins: .5 sits in (7/15, 8/15]', () => {
  const table = reliability(f32([0.5, 0.5]), Uint8Array.from([1]), 2);
  assert.equal(table.length, 15);
  assert.equal(table[7]!.count, 1);
  assert.equal(table[7]!.accuracy, 0);
  close(ece(f32([0.5, 0.5]), Uint8Array.from([1]), 2), 0.5);
});

test('one class: a certain model is perfect; zero mass is clipped at 1e-12', () => {
  const ones = f32([1, 1, 1]);
  const zeros3 = Uint8Array.from([0, 0, 0]);
  assert.equal(nll(ones, zeros3, 1), 0);
  assert.equal(errorRate(ones, zeros3, 1), 0);
  assert.equal(brier(ones, zeros3, 1), 0);
  assert.equal(ece(ones, zeros3, 1), 0);
  close(nll(f32([0, 1]), Uint8Array.from([0, 0]), 1), -Math.log(1e-12) / 2);
});

test('averageProbs: uniform by default, weights normalised by their sum', () => {
  const a = f32([1, 0, 0.5, 0.5]);
  const b = f32([0, 1, 0.25, 0.75]);
  assert.deepEqual(Array.from(averageProbs([a, b])), [0.5, 0.5, 0.375, 0.625]);
  assert.deepEqual(Array.from(averageProbs([a, b], [3, 1])), [0.75, 0.25, 0.4375, 0.5625]);
  assert.deepEqual(Array.from(averageProbs([a, b], [0, 2])), Array.from(b));
});

test('invalid inputs throw MetricInputError with a clear message', () => {
  assert.throws(() => nll(probs, Uint8Array.from([0, 1]), 3), /expected labels.length × numClasses/);
  assert.throws(() => nll(probs, Uint8Array.from([0, 1, 3]), 3), /label 3 at index 2 is outside \[0, 3\)/);
  assert.throws(() => errorRate(probs, Int32Array.from([0, -1, 0]), 3), MetricInputError);
  assert.throws(() => brier(f32([]), Uint8Array.from([]), 3), /at least one point/);
  assert.throws(() => ece(probs, labels, 0), /numClasses/);
  assert.throws(() => ece(probs, labels, 3, 0), /bins/);
  assert.throws(() => reliability(probs, labels, 3, 2.5), MetricInputError);
  assert.throws(() => averageProbs([]), MetricInputError);
  assert.throws(() => averageProbs([f32([1]), f32([1, 0])]), MetricInputError);
  assert.throws(() => averageProbs([f32([1]), f32([1])], [1]), /one per member/);
  assert.throws(() => averageProbs([f32([1]), f32([1])], [0, 0]), /positive sum/);
  assert.throws(() => averageProbs([f32([1]), f32([1])], [-1, 2]), /non-negative/);
});
