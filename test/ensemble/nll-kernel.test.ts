import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summedNll } from '../../src/ensemble/nll-kernel.js';
import { randomPool } from './reference.js';

test('summedNll equals Σ −log max((sum + p)·scale, 1e-12) for N around the 16-point chunk', () => {
  for (const numPoints of [1, 15, 16, 17, 33, 1000]) {
    const [a, b] = randomPool(`kernel-${numPoints}`, 2, numPoints);
    const runningSum = Float64Array.from(a!);
    let expected = 0;
    for (let i = 0; i < numPoints; i++) expected -= Math.log(Math.max((runningSum[i]! + b![i]!) / 2, 1e-12));
    const actual = summedNll(runningSum, b!, 0.5);
    assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, expected), `N=${numPoints}: ${actual} vs ${expected}`);
  }
});

test('summedNll hand values: clipping at 1e-12 and a certain point costing 0', () => {
  const zeros = new Float64Array(3);
  const actual = summedNll(zeros, Float32Array.from([0, 1, 0.5]), 1);
  assert.ok(Math.abs(actual - (-Math.log(1e-12) + Math.log(2))) < 1e-12);
});

test('summedNll abandons a candidate only once its partial sum exceeds the bound', () => {
  const zeros = new Float64Array(64);
  const candidate = new Float32Array(64).fill(0.5);
  const full = summedNll(zeros, candidate, 1);
  assert.equal(summedNll(zeros, candidate, 1, full), full);
  assert.equal(summedNll(zeros, candidate, 1, full / 2), Infinity);
});
