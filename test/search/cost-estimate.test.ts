import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCostEstimate, type CostEstimate } from '../../src/search/cost-estimate.js';
import type { PoolMember } from '../../src/search/pool.js';
import { progressSink } from '../../src/search/progress-sink.js';
import type { SearchProgress } from '../../src/search/progress.js';
import { loadSpace } from '../../src/space/load.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { createRng } from '../../src/util/rng.js';

const genotype = sampleGenotype(loadSpace('nb201'), createRng('estimate'));
const member = (trialId: number, seconds: number, predictSeconds: number): PoolMember => ({
  trialId, network: trialId, genotype, genotypeId: 'g', seed: trialId, validationProbs: {}, testProbs: {}, validationNll: 1, seconds, predictSeconds, lossCurve: [1],
});
const settle = (trialId: number, seconds: number, predictSeconds: number, replayed = false) => ({
  type: 'trial-settled' as const, method: 'rs', replayed,
  settled: { trial: { id: trialId, genotype, seed: trialId, origin: { source: 'random' as const } }, member: member(trialId, seconds, predictSeconds) },
});

function recorder(): { progress: SearchProgress; estimates: CostEstimate[] } {
  const estimates: CostEstimate[] = [];
  return { estimates, progress: { methodStarted() {}, epoch() {}, trialDone() {}, log() {}, stop() {}, estimate: (e) => estimates.push(e) } };
}

test('the estimate is unknown at the start of a new run and measured once its first network finishes, then no more', () => {
  const { progress, estimates } = recorder();
  const sink = progressSink(progress, { limitSeconds: 7200 });
  sink({ type: 'search-planned', networks: 8, workers: 2, earlier: { networks: 0, seconds: 0 } });
  assert.equal(estimates.length, 1);
  assert.match(describeCostEstimate(estimates[0]!), /^cost estimate: 8 networks to train on 2 workers; seconds per network unknown until the first one finishes; time limit 2.00 h$/);
  sink(settle(0, 9, 1));
  sink(settle(1, 30, 1));
  assert.equal(estimates.length, 2);
  // 7 networks left × (9 + 1) s ÷ 2 workers.
  assert.equal(describeCostEstimate(estimates[1]!), 'cost estimate: 7 networks left × 10.0 s per network (measured on the first network: training + predicting) ÷ 2 workers ≈ 35 s; time limit 2.00 h');
});

test('a resume estimates from the networks trained before; replayed members are not measurements of this invocation', () => {
  const { progress, estimates } = recorder();
  const sink = progressSink(progress);
  sink({ type: 'search-planned', networks: 4, workers: 1, earlier: { networks: 2, seconds: 300 } });
  assert.equal(describeCostEstimate(estimates[0]!), 'cost estimate: 4 networks × 150.0 s per network (mean of the networks trained before: training + predicting) ÷ 1 worker ≈ 10.0 min');
  sink(settle(0, 100, 50, true));
  assert.equal(estimates.length, 1);
  sink(settle(2, 100, 20));
  assert.equal(estimates[1]!.networks, 3);
  assert.equal(estimates[1]!.secondsPerNetwork, 120);
});
