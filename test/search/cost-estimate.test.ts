import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeCostEstimate, type CostEstimate } from '../../src/search/cost-estimate.js';
import type { PoolMember } from '../../src/search/pool.js';
import { progressSink } from '../../src/search/progress-sink.js';
import type { SearchProgress } from '../../src/search/progress.js';
import type { Trial } from '../../src/optimizers/types.js';
import { loadSpace } from '../../src/space/load.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { createRng } from '../../src/util/rng.js';

const genotype = sampleGenotype(loadSpace('nb201'), createRng('estimate'));
const member = (trialId: number, seconds: number, predictSeconds: number): PoolMember => ({
  trialId, network: trialId, genotype, genotypeId: 'g', seed: trialId, validationProbs: {}, testProbs: {}, validationNll: 1, seconds, predictSeconds, lossCurve: [1],
});
const settle = (trialId: number, seconds: number, predictSeconds: number, replayed = false, fidelity?: { rung: number; epochs: number }) => ({
  type: 'trial-settled' as const, method: fidelity ? 'rs-sh' : 'rs', replayed,
  settled: { trial: { id: trialId, genotype, seed: trialId, origin: { source: 'random' as const }, ...(fidelity ? { fidelity } : {}) }, member: member(trialId, seconds, predictSeconds) },
});
/** A 3-epoch schedule; a ladder 1 → 3 whose second leg trains 2 epochs. */
const trialEpochs = (trial: Trial) => (trial.fidelity ? [1, 2][trial.fidelity.rung]! : 3);
const earlier = (networks: number, epochs: number, trainSeconds: number, predictSeconds: number) => ({ networks, epochs, trainSeconds, predictSeconds });

function recorder(): { progress: SearchProgress; estimates: CostEstimate[] } {
  const estimates: CostEstimate[] = [];
  return { estimates, progress: { methodStarted() {}, epoch() {}, trialDone() {}, log() {}, stop() {}, estimate: (e) => estimates.push(e) } };
}

test('the estimate is unknown at the start of a new run and measured once its first network finishes, then no more', () => {
  const { progress, estimates } = recorder();
  const sink = progressSink(progress, { limitSeconds: 7200, trialEpochs });
  sink({ type: 'search-planned', networks: 8, epochs: 24, workers: 2, multiFidelity: false, earlier: earlier(0, 0, 0, 0) });
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
  const sink = progressSink(progress, { trialEpochs });
  sink({ type: 'search-planned', networks: 4, epochs: 12, workers: 1, multiFidelity: false, earlier: earlier(2, 6, 240, 60) });
  assert.equal(describeCostEstimate(estimates[0]!), 'cost estimate: 4 networks × 150.0 s per network (mean of the networks trained before: training + predicting) ÷ 1 worker ≈ 10.0 min');
  sink(settle(0, 100, 50, true));
  assert.equal(estimates.length, 1);
  sink(settle(2, 100, 20));
  assert.equal(estimates[1]!.networks, 3);
  assert.deepEqual(estimates[1]!.rates, { trainSecondsPerEpoch: 100 / 3, predictSecondsPerTraining: 20 });
  assert.match(describeCostEstimate(estimates[1]!), /^cost estimate: 3 networks left × 120.0 s per network /);
});

test('with a multi-fidelity method, training is priced per epoch and predicting per training, so short legs cost less', () => {
  const { progress, estimates } = recorder();
  const sink = progressSink(progress, { trialEpochs });
  sink({ type: 'search-planned', networks: 20, epochs: 30, workers: 2, multiFidelity: true, earlier: earlier(0, 0, 0, 0) });
  assert.equal(describeCostEstimate(estimates[0]!), 'cost estimate: 20 trainings (legs of the fidelity ladder, 30 epochs in all) to train on 2 workers; seconds per training unknown until the first one finishes');
  // A promotion first (on a resume): its 2 epochs took 8 s, then 3 s to predict.
  sink(settle(7, 8, 3, false, { rung: 1, epochs: 3 }));
  // (28 epochs × 4 s + 19 trainings × 3 s) ÷ 2 workers = 84.5 s.
  assert.equal(describeCostEstimate(estimates[1]!), 'cost estimate: 19 trainings left (legs of the fidelity ladder, 28 epochs in all) × 4.0 s per epoch + 3.0 s predicting per training (measured on the first training) ÷ 2 workers ≈ 85 s');
  // Nothing left: no arithmetic to show.
  sink({ type: 'search-planned', networks: 0, epochs: 0, workers: 2, multiFidelity: true, earlier: earlier(20, 30, 120, 60) });
  assert.equal(describeCostEstimate(estimates[2]!), 'cost estimate: nothing left to train');
});
