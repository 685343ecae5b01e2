import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../../src/run/config.js';
import { anytimeCurve, anytimeStepFor } from '../../src/search/evaluate-pool.js';
import type { MethodPool, PoolMember } from '../../src/search/pool.js';
import { createRng } from '../../src/util/rng.js';

/** K members with random (seeded) softmax rows on N points of C classes. */
function randomPool(count: number, points = 20, classes = 3): { pool: MethodPool; labels: Uint8Array } {
  const rng = createRng('anytime');
  const labels = Uint8Array.from({ length: points }, (_, i) => i % classes);
  const probs = () => {
    const rows = new Float32Array(points * classes);
    for (let i = 0; i < points; i++) {
      const raw = Array.from({ length: classes }, () => rng.next() + 0.05);
      const sum = raw.reduce((a, b) => a + b, 0);
      raw.forEach((v, c) => (rows[i * classes + c] = v / sum));
    }
    return rows;
  };
  const members = Array.from({ length: count }, (_, trialId): PoolMember => {
    const validation = probs();
    return { trialId, network: trialId, genotype: { space: 'nb201', edges: [] } as never, genotypeId: `g${trialId}`, seed: trialId, validationProbs: { 0: validation }, testProbs: { 0: probs() }, validationNll: 1, seconds: 1, predictSeconds: 0, lossCurve: [] };
  });
  return { pool: { method: 'rs', members, failed: [] }, labels };
}

test('anytimeStepFor keeps a step that gives five points or more, and refines one that does not', () => {
  assert.equal(anytimeStepFor(400, 25), 25);
  assert.equal(anytimeStepFor(125, 25), 25);
  assert.equal(anytimeStepFor(100, 25), 10);
  assert.equal(anytimeStepFor(8, 25), 1);
  assert.equal(anytimeStepFor(0, 25), 1);
});

test('the anytime curve fits the budget and starts each size where M networks exist', () => {
  const { pool, labels } = randomPool(8);
  const config = resolveConfig({ budget: 8, ensembleSizes: [3, 5] });
  const points = anytimeCurve(pool, [3, 5], { validation: labels, test: labels, numClasses: 3 }, config);
  const at = (size: number) => points.filter((p) => p.size === size).map((p) => p.networks);
  // anytimeStep 25 on 8 networks would give one point; the step becomes 1.
  assert.deepEqual(at(3), [3, 4, 5, 6, 7, 8]);
  assert.deepEqual(at(5), [5, 6, 7, 8]);
  // With replacement (caruana) an ensemble of M picks exists from one network on.
  const caruana = resolveConfig({ budget: 8, ensembleSizes: [3, 5], selection: { method: 'caruana' } });
  const withReplacement = anytimeCurve(pool, [5], { validation: labels, test: labels, numClasses: 3 }, caruana);
  assert.deepEqual(withReplacement.map((p) => p.networks), [1, 2, 3, 4, 5, 6, 7, 8]);
});
