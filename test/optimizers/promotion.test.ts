import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PromotionQueue, type RungScore } from '../../src/optimizers/promotion.js';

const POINTS = 10;

/** True-class probabilities: `first` on points 0–4, `second` on points 5–9. */
function probs(first: number, second: number): Float32Array {
  return Float32Array.from({ length: POINTS }, (_, i) => (i < POINTS / 2 ? first : second));
}

function score(trialId: number, rung: number, values: Float32Array): RungScore {
  let nll = 0;
  for (const p of values) nll -= Math.log(p);
  return { trialId, rung, trueClassProbs: values, nll: nll / values.length };
}

/**
 * Six networks at rung 0: 0 and 1 are good on the first half and near copies of each other;
 * 2 is good on the second half, so it completes 0 although it is worse alone; 3–5 are poor.
 */
const RUNG_ZERO = [probs(0.95, 0.4), probs(0.94, 0.4), probs(0.3, 0.9), probs(0.5, 0.3), probs(0.4, 0.3), probs(0.3, 0.3)];

function sixAtRungZero(queue: PromotionQueue): void {
  RUNG_ZERO.forEach((values, trialId) => queue.record(score(trialId, 0, values)));
}

describe('PromotionQueue (ASHA)', () => {
  it('promotes one in eta of a rung, nothing before the rung has eta networks', () => {
    const queue = new PromotionQueue({ epochs: [1, 3, 9], eta: 3 }, 'single');
    queue.record(score(0, 0, probs(0.6, 0.6)));
    queue.record(score(1, 0, probs(0.9, 0.9)));
    assert.equal(queue.claimNext(), undefined);
    queue.record(score(2, 0, probs(0.7, 0.7)));
    assert.deepEqual(queue.claimNext(), { trialId: 1, fromRung: 0 });
    assert.equal(queue.claimNext(), undefined, 'a claimed promotion is not returned again');
  });

  it('by ensemble contribution promotes the network that completes the ensemble; by single NLL the near copy', () => {
    const single = new PromotionQueue({ epochs: [1, 3], eta: 3 }, 'single');
    const ensemble = new PromotionQueue({ epochs: [1, 3], eta: 3 }, 'ensemble');
    sixAtRungZero(single);
    sixAtRungZero(ensemble);
    assert.deepEqual(single.promotable(0), [0, 1]);
    assert.deepEqual(ensemble.promotable(0), [0, 2]);
    assert.deepEqual([single.claimNext(), single.claimNext(), single.claimNext()], [{ trialId: 0, fromRung: 0 }, { trialId: 1, fromRung: 0 }, undefined]);
    assert.deepEqual([ensemble.claimNext(), ensemble.claimNext(), ensemble.claimNext()], [{ trialId: 0, fromRung: 0 }, { trialId: 2, fromRung: 0 }, undefined]);
  });

  it('serves the highest rung first and never promotes out of the top rung', () => {
    const queue = new PromotionQueue({ epochs: [1, 2, 4], eta: 2 }, 'single');
    for (let id = 0; id < 4; id++) queue.record(score(id, 0, probs(0.5 + id / 10, 0.5)));
    assert.deepEqual(queue.claimNext(), { trialId: 3, fromRung: 0 });
    assert.deepEqual(queue.claimNext(), { trialId: 2, fromRung: 0 });
    queue.record(score(3, 1, probs(0.95, 0.9)));
    queue.record(score(2, 1, probs(0.9, 0.9)));
    for (let id = 4; id < 6; id++) queue.record(score(id, 0, probs(0.3, 0.3)));
    // Rung 1 has a promotion due (2 networks, eta 2) and is served before rung 0's third one.
    assert.deepEqual(queue.claimNext(), { trialId: 3, fromRung: 1 });
    queue.record(score(3, 2, probs(0.99, 0.99)));
    assert.deepEqual(queue.claimNext(), { trialId: 1, fromRung: 0 });
    assert.equal(queue.claimNext(), undefined);
  });

  it('does not depend on the order networks report in', () => {
    const inOrder = new PromotionQueue({ epochs: [1, 3], eta: 3 }, 'ensemble');
    const reversed = new PromotionQueue({ epochs: [1, 3], eta: 3 }, 'ensemble');
    RUNG_ZERO.forEach((values, trialId) => inOrder.record(score(trialId, 0, values)));
    [...RUNG_ZERO.entries()].reverse().forEach(([trialId, values]) => reversed.record(score(trialId, 0, values)));
    assert.deepEqual(reversed.promotable(0), inOrder.promotable(0));
  });

  it('replays claims, and refuses a repeated claim, a repeated rung and a rung off the ladder', () => {
    const queue = new PromotionQueue({ epochs: [1, 3], eta: 3 }, 'single');
    sixAtRungZero(queue);
    queue.claim(0, 0);
    assert.deepEqual(queue.claimNext(), { trialId: 1, fromRung: 0 });
    assert.throws(() => queue.claim(1, 0), /already promoted out of rung 0/);
    assert.throws(() => queue.claim(4, 1), /no promotion out of rung 1/);
    assert.throws(() => queue.record(score(0, 0, probs(0.9, 0.9))), /already finished rung 0/);
    assert.throws(() => queue.record(score(9, 2, probs(0.9, 0.9))), /rung 2 is not on the ladder/);
  });

  it('refuses a ladder that does not grow, has one rung, or an eta of 1', () => {
    assert.throws(() => new PromotionQueue({ epochs: [3, 3], eta: 3 }, 'single'), /increasing positive integers/);
    assert.throws(() => new PromotionQueue({ epochs: [15], eta: 3 }, 'single'), /at least 2 rungs/);
    assert.throws(() => new PromotionQueue({ epochs: [1, 3], eta: 1 }, 'single'), /eta must be > 1/);
  });
});
