import { test } from 'node:test';
import assert from 'node:assert/strict';
import { evaluateEnsemble } from '../../src/evaluate/ensemble-metrics.js';
import seedrandom from 'seedrandom';
import { MetricInputError } from '../../src/evaluate/errors.js';

const f32 = (values: number[]): Float32Array => Float32Array.from(values);
const close = (actual: number, expected: number, message = ''): void =>
  assert.ok(Math.abs(actual - expected) < 1e-6, `${message} ${actual} ≉ ${expected}`);

const labels = Uint8Array.from([0, 1]);
// m0 predicts [0,0] (true-class probs .8,.4), m1 predicts [1,1] (.4,.8): each 50 % wrong,
// their average (.6/.4, .4/.6) is right on both points.
const m0 = f32([0.8, 0.2, 0.6, 0.4]);
const m1 = f32([0.4, 0.6, 0.2, 0.8]);
const memberNll = -(Math.log(0.8) + Math.log(0.4)) / 2;

test('two complementary members: ensemble, oracle, average-member and diversity terms', () => {
  const result = evaluateEnsemble([m0, m1], labels, 2, { bins: 4 });
  close(result.nll, -Math.log(0.6));
  assert.equal(result.error, 0);
  close(result.brier, 0.32); // 0.4² + 0.4² per point
  close(result.ece, 0.4); // both points in (.5,.75] with confidence .6, accuracy 1
  close(result.oracleNll, -Math.log(0.8));
  close(result.avgMemberNll, memberNll);
  assert.equal(result.avgMemberError, 0.5);
  close(result.avgMemberEce, 0.5 * Math.abs(1 - 0.8) + 0.5 * Math.abs(0 - 0.6)); // bins (.75,1] and (.5,.75]
  assert.equal(result.disagreement, 1);
  assert.equal(result.normalizedDisagreement, 2); // 1 / mean pair error .5
  close(result.ambiguity, memberNll + Math.log(0.6));
  assert.equal(result.members.length, 2);
  close(result.members[1]!.nll, memberNll);
  assert.equal(result.members[0]!.error, 0.5);
});

test('normalized disagreement divides each pair by its own mean error; error-free pairs count 0', () => {
  const perfect = f32([0.9, 0.1, 0.3, 0.7]); // predicts [0,1], error 0
  const result = evaluateEnsemble([m0, perfect, perfect], labels, 2);
  // pairs: (m0,p) d=.5, err (.5+0)/2=.25 → 2, twice; (p,p) d=0, err 0 → 0.
  close(result.disagreement, (0.5 + 0.5 + 0) / 3);
  close(result.normalizedDisagreement, (2 + 2 + 0) / 3);
});

test('weights: zero-weight members leave the average, oracle and disagreement', () => {
  const onlyFirst = evaluateEnsemble([m0, m1], labels, 2, { weights: [1, 0] });
  close(onlyFirst.nll, memberNll);
  close(onlyFirst.oracleNll, memberNll);
  close(onlyFirst.avgMemberNll, memberNll);
  close(onlyFirst.ambiguity, 0);
  assert.equal(onlyFirst.disagreement, 0);
  assert.equal(onlyFirst.members.length, 2);

  // Weights 3:1 → ensemble true-class probs (.7, .5); avg member NLL weighted the same way.
  const weighted = evaluateEnsemble([m0, m1], labels, 2, { weights: [3, 1] });
  close(weighted.nll, -(Math.log(0.7) + Math.log(0.5)) / 2);
  close(weighted.avgMemberNll, memberNll);
  close(weighted.oracleNll, -Math.log(0.8));
});

test('single member: no diversity, ensemble equals the member', () => {
  const result = evaluateEnsemble([m0], labels, 2);
  close(result.nll, memberNll);
  assert.equal(result.disagreement, 0);
  assert.equal(result.normalizedDisagreement, 0);
  close(result.ambiguity, 0);
  close(result.oracleNll, memberNll);
});

test('ambiguity is a non-negative Jensen gap on random ensembles', () => {
  const next = seedrandom('ambiguity');
  for (let trial = 0; trial < 5; trial++) {
    const members = Array.from({ length: 4 }, () => {
      const rows = Array.from({ length: 20 }, () => {
        const raw = [next() + 0.01, next() + 0.01, next() + 0.01];
        const total = raw[0]! + raw[1]! + raw[2]!;
        return raw.map((value) => value / total);
      });
      return f32(rows.flat());
    });
    const randomLabels = Uint8Array.from({ length: 20 }, (_, i) => i % 3);
    const result = evaluateEnsemble(members, randomLabels, 3);
    assert.ok(result.ambiguity >= 0);
    assert.ok(result.oracleNll <= result.nll + 1e-12);
  }
});

test('invalid inputs throw MetricInputError', () => {
  assert.throws(() => evaluateEnsemble([], labels, 2), /at least one member/);
  assert.throws(() => evaluateEnsemble([m0, f32([1, 0])], labels, 2), /member 1 has 2 probabilities/);
  assert.throws(() => evaluateEnsemble([m0], Uint8Array.from([0, 2]), 2), /outside \[0, 2\)/);
  assert.throws(() => evaluateEnsemble([m0], labels, 2, { bins: 0 }), MetricInputError);
  assert.throws(() => evaluateEnsemble([m0, m1], labels, 2, { weights: [1] }), MetricInputError);
});
