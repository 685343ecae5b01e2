import { test } from 'node:test';
import assert from 'node:assert/strict';
import { liveReport } from '../../src/cli/live-report.js';
import type { SearchEvent } from '../../src/search/search-events.js';
import { loadSpace } from '../../src/space/load.js';
import { sampleGenotype } from '../../src/space/sample.js';
import { createRng } from '../../src/util/rng.js';

const genotype = sampleGenotype(loadSpace('nb201'), createRng('live'));
const trial = (id: number) => ({ id, genotype, seed: id, origin: { source: 'random' as const } });
const finished = (id: number, replayed = false): SearchEvent => ({
  type: 'trial-settled', method: 'rs', replayed,
  settled: { trial: trial(id), member: { trialId: id, network: id, genotype, genotypeId: 'g', seed: id, validationProbs: {}, testProbs: {}, validationNll: 1, seconds: 1, predictSeconds: 0, lossCurve: [1] } },
});
const failed = (id: number): SearchEvent => ({
  type: 'trial-settled', method: 'rs', replayed: false,
  settled: { trial: trial(id), failure: { trialId: id, genotypeId: 'g', reason: 'x', attempts: 1 } },
});

test('the report is refreshed on the first new member, then at most once per interval, never twice at once', async () => {
  let clock = 0;
  const writes: number[] = [];
  let finish: (() => void) | undefined;
  const live = liveReport(() => new Promise<void>((resolve) => { writes.push(clock); finish = resolve; }), { intervalSeconds: 10, now: () => clock });
  live.sink(finished(0, true));
  live.sink(failed(1));
  assert.deepEqual(writes, [], 'replayed members and failures do not refresh it');
  live.sink(finished(2));
  assert.deepEqual(writes, [0]);
  clock = 20_000;
  live.sink(finished(3));
  assert.deepEqual(writes, [0], 'a write in progress is not started again');
  finish!();
  await live.idle();
  live.sink(finished(4));
  assert.deepEqual(writes, [0, 20_000]);
  finish!();
  await live.idle();
  clock = 25_000;
  live.sink(finished(5));
  assert.deepEqual(writes, [0, 20_000], 'within the interval of the last write');
});

test('a failed write is said once and the search goes on', async () => {
  let clock = 0;
  const warnings: string[] = [];
  const live = liveReport(() => Promise.reject(new Error('EACCES: permission denied, open report.html\nmore')), {
    intervalSeconds: 1, now: () => clock, warn: (line) => warnings.push(line),
  });
  live.sink(finished(0));
  await live.idle();
  clock = 5000;
  live.sink(finished(1));
  await live.idle();
  assert.deepEqual(warnings, ['report.html not refreshed (the search goes on): EACCES: permission denied, open report.html']);
});
