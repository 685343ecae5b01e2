import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { anytimeByEpochs, computeRows } from '../../src/compare/compute.js';
import type { ComparedRun } from '../../src/compare/index.js';
import { resolveConfig } from '../../src/run/config.js';
import type { AnytimePoint, SearchResults } from '../../src/run/results-types.js';

const SCHEDULE = 4;

const point = (networks: number, epochs: number | undefined, testNll: number, severity = 0): AnytimePoint => ({
  networks, epochs, size: 2, severity, validationNll: 0, testNll, testError: testNll / 10, testEce: testNll / 100,
});

type Member = { trialId: number; seconds: number; predictSeconds?: number; fidelity?: { network: number; rung: number; epochs: number } };

/**
 * One seed's results with an rs entry from before compute was recorded (every member trained the
 * whole schedule) and an rs-sh entry whose networks 0 and 1 have legs at 1 and 4 epochs.
 */
function run(seed: number, rsAnytime: AnytimePoint[], shAnytime: AnytimePoint[]): ComparedRun {
  const config = resolveConfig({ seed, methods: ['rs', 'rs-sh'], budget: 3, ensembleSizes: [2], training: { epochs: SCHEDULE }, fidelity: { epochs: [1, 4] }, evaluation: { anytimeStep: 1 } });
  const rsPool: Member[] = [0, 1, 2].map((trialId) => ({ trialId, seconds: 10 + seed, predictSeconds: 1 }));
  const shPool: Member[] = [
    { trialId: 0, seconds: 2, fidelity: { network: 0, rung: 0, epochs: 1 } },
    { trialId: 1, seconds: 2, fidelity: { network: 1, rung: 0, epochs: 1 } },
    { trialId: 2, seconds: 2, fidelity: { network: 2, rung: 0, epochs: 1 } },
    { trialId: 3, seconds: 6, fidelity: { network: 0, rung: 1, epochs: 4 } },
    { trialId: 4, seconds: 6, fidelity: { network: 1, rung: 1, epochs: 4 } },
  ];
  const results = {
    training: config.training,
    methods: {
      rs: { pool: rsPool, anytime: rsAnytime },
      'rs-sh': { pool: shPool, anytime: shAnytime, compute: { epochs: 9 + seed, trainSeconds: 18, predictSeconds: 5 } },
    },
  } as unknown as SearchResults;
  return { dir: `seed-${seed}`, config, results };
}

describe('compute across seeds', () => {
  const runs = [
    run(0, [point(1, undefined, 0.9), point(2, undefined, 0.7), point(3, undefined, 0.6), point(3, undefined, 5, 5)],
      [point(1, 1, 1.2), point(3, 3, 1.0), point(4, 6, 0.65), point(5, 9, 0.55)]),
    run(1, [point(1, undefined, 1.1), point(2, undefined, 0.9), point(3, undefined, 0.8)],
      [point(1, 1, 1.4), point(3, 3, 1.2), point(4, 6, 0.75), point(5, 10, 0.65)]),
  ];

  test('epochs, seconds and networks per method; results without compute fall back to the pool × the schedule', () => {
    const rows = computeRows(runs, ['rs', 'rs-sh', 'deepens']);
    assert.deepEqual(rows.map((r) => r.method), ['rs', 'rs-sh'], 'a method no run has gets no row');
    const [rs, sh] = rows;
    assert.equal(rs!.epochs.mean, 3 * SCHEDULE);
    assert.equal(rs!.epochs.se, 0);
    assert.equal(rs!.trainSeconds.mean, 31.5, 'seeds 0 and 1: 30 and 33 seconds');
    assert.equal(rs!.predictSeconds.mean, 3);
    assert.equal(sh!.epochs.mean, 9.5);
    assert.equal(sh!.epochs.se, 0.5);
    assert.equal(sh!.trainSeconds.mean, 18);
    assert.equal(sh!.networks.mean, 3, 'five legs of three networks');
  });

  test('anytime on epochs: each seed a step function, on a grid of anytime steps, kept where every seed has a value', () => {
    const points = anytimeByEpochs(runs, ['rs', 'rs-sh']);
    // The config's anytime step is 1 full training = 4 epochs; rs without epochs counts networks × 4.
    const rs = points.filter((p) => p.method === 'rs').map((p) => [p.epochs, +p.testNll.mean.toFixed(6)]);
    assert.deepEqual(rs, [[4, 1], [8, 0.8], [12, 0.7]], 'clean points only');
    const sh = points.filter((p) => p.method === 'rs-sh').map((p) => [p.epochs, +p.testNll.mean.toFixed(6), p.testNll.n]);
    // At 4 epochs both seeds hold their 3-epoch ensembles; at 8, their 6-epoch ones; at 10 (the
    // largest total), seed 0 still has its 9-epoch one.
    assert.deepEqual(sh, [[4, 1.1, 2], [8, 0.7, 2], [10, 0.6, 2]]);
    assert.ok(Math.abs(points.find((p) => p.method === 'rs-sh' && p.epochs === 10)!.testEce.mean - 0.006) < 1e-12);
  });

  test('a grid point before some seed has any ensemble is left out', () => {
    const late = [run(0, [point(1, undefined, 1)], [point(2, 5, 1.0)]), run(1, [point(1, undefined, 1)], [point(2, 3, 2.0)])];
    const sh = anytimeByEpochs(late, ['rs-sh']).map((p) => [p.epochs, p.testNll.mean]);
    assert.deepEqual(sh, [[5, 1.5]], 'at 4 epochs seed 0 has nothing yet');
  });
});
