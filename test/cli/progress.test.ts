import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, WorkEstimate } from '../../src/cli/progress.js';

test('the ETA counts running networks by their epochs and evaluation sets, so it exists from the first epoch on', () => {
  const estimate = new WorkEstimate();
  estimate.restart(4, 0);
  assert.equal(estimate.etaSeconds(5_000), undefined);
  // Epoch 1 of 2 is 0.7 × 1/2 of a network: 0.35 done after 7 s → 3.65 left at 20 s each.
  estimate.update({ stage: 'training', method: 'rs', trialId: 0, epoch: 1, epochs: 2, loss: 1 });
  assert.ok(Math.abs(estimate.etaSeconds(7_000)! - 73) < 1e-9);
  // Predicting 4 of 8 sets: 0.7 + 0.3 × 0.5 = 0.85 of the network.
  estimate.update({ stage: 'predicting', method: 'rs', trialId: 0, predicted: 4, sets: 8 });
  assert.ok(Math.abs(estimate.etaSeconds(8_500)! - (8.5 * (4 - 0.85)) / 0.85) < 1e-9);
  estimate.finish('rs', 0);
  assert.equal(estimate.finished, 1);
  assert.ok(Math.abs(estimate.etaSeconds(10_000)! - 30) < 1e-9);
});

test('formatEta: seconds, minutes, hours; a dash before anything is known', () => {
  assert.equal(formatEta(undefined), 'ETA –');
  assert.equal(formatEta(42.4), 'ETA 42 s');
  assert.equal(formatEta(600), 'ETA 10 min');
  assert.equal(formatEta(4 * 3600), 'ETA 4.0 h');
});
