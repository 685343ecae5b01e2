import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedArchitecture } from '../../src/optimizers/fixed-architecture.js';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import { RegularizedEvolution } from '../../src/optimizers/regularized-evolution.js';
import type { Optimizer } from '../../src/optimizers/types.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { JournalError } from '../../src/run/journal-reader.js';
import { loadSpace } from '../../src/space/load.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import { createRng, type Rng } from '../../src/util/rng.js';
import { fakeExecutor } from '../helpers/fake-executor.js';
import { OUTCOMES, scheduleMethod } from '../helpers/scheduled-method.js';

/*
 * A resumed search rebuilds each optimizer by replaying the journal's asks and tells into a fresh
 * one (there is no saved optimizer state). These tests cut the journal of an uninterrupted
 * schedule at many points, resume from each cut with a fresh optimizer and check that it goes on
 * exactly as the uninterrupted one did: same proposals (ids, genotypes, seeds, origins: for NES-RE
 * the population order and parent candidates), same pool, running trials trained again and told.
 */

const darts = loadSpace('darts');
const nb201 = loadSpace('nb201');

const proposals = (events: JournalEvent[]) => events.flatMap((e) => (e.event === 'proposed' ? [e.trial] : []));
const ends = (events: JournalEvent[]) => events.flatMap((e) => (e.event === 'finished' || e.event === 'failed' ? [e.trialId] : []));

async function checkResumesLikeUninterrupted(makeOptimizer: () => Optimizer, concurrency: number): Promise<void> {
  const rng: Rng = createRng('finish order');
  const reference = await scheduleMethod(makeOptimizer(), fakeExecutor(concurrency, OUTCOMES, (running) => rng.choice(running)));
  const members = reference.pool.members.map((m) => m.trialId);
  const failed = reference.pool.failed.map((f) => f.trialId);
  assert.ok(failed.length > 0 && members.length > 0);
  const referenceEnds = ends(reference.journal);
  for (let cut = 0; cut <= reference.journal.length; cut++) {
    const before = reference.journal.slice(0, cut);
    // The resumed part ends its trials in the order the uninterrupted run did.
    const remaining = referenceEnds.slice(ends(before).length);
    const order = [...remaining];
    const resumed = await scheduleMethod(makeOptimizer(), fakeExecutor(concurrency, OUTCOMES, () => order.shift()!), { resume: before });
    assert.deepEqual([...proposals(before), ...proposals(resumed.journal)], proposals(reference.journal), `cut after event ${cut}`);
    assert.deepEqual(resumed.pool.members.map((m) => m.trialId), members, `cut after event ${cut}`);
    assert.deepEqual(resumed.pool.failed.map((f) => f.trialId), failed, `cut after event ${cut}`);
    // Nothing the journal already holds is journaled twice; what was in flight is trained again.
    assert.deepEqual(ends(resumed.journal), remaining, `cut after event ${cut}`);
  }
}

test('NES-RE replayed from any cut of its journal proposes what the uninterrupted search did', async () => {
  await checkResumesLikeUninterrupted(
    () => new RegularizedEvolution({ space: darts, budget: 14, seed: 'replay', populationSize: 4, parentCandidates: 2, severities: [0, 3] }),
    3,
  );
});

test('NES-RS and DeepEns replayed from any cut of their journal propose what the uninterrupted search did', async () => {
  await checkResumesLikeUninterrupted(() => new RandomSearch({ space: nb201, budget: 8, seed: 'replay-rs' }), 2);
  await checkResumesLikeUninterrupted(() => new FixedArchitecture({ genotype: loadNamedGenotype('darts-v2'), count: 8, seed: 'replay-de', space: darts }), 2);
});

test('a journal the optimizer would not propose again is refused', async () => {
  const first = (running: number[]) => running[0]!;
  const reference = await scheduleMethod(new RandomSearch({ space: nb201, budget: 3, seed: 'a' }), fakeExecutor(1, OUTCOMES, first));
  await assert.rejects(
    scheduleMethod(new RandomSearch({ space: nb201, budget: 3, seed: 'b' }), fakeExecutor(1, OUTCOMES, first), { resume: reference.journal }),
    (error: unknown) => error instanceof JournalError && /trial 0 was not proposed again as recorded/.test(error.message),
  );
});

test("a journal with 'requeued' lines (jobs Redis lost and the executor queued again) resumes like one without", async () => {
  const make = () => new RandomSearch({ space: nb201, budget: 6, seed: 'requeued' });
  const first = (running: number[]) => running[0]!;
  const reference = await scheduleMethod(make(), fakeExecutor(2, OUTCOMES, first));
  const time = new Date().toISOString();
  // Every training was lost once: requeued as attempt 2.
  const withRequeues = reference.journal.flatMap((event): JournalEvent[] =>
    event.event === 'started'
      ? [event, { time, event: 'requeued', method: event.method, trialId: event.trialId, attempt: 1, reason: 'the job vanished from Redis' }, { ...event, attempt: 2 }]
      : [event],
  );
  const cut = withRequeues.findIndex((event) => event.event === 'finished') + 3;
  const before = withRequeues.slice(0, cut);
  const order = ends(reference.journal).slice(ends(before).length);
  const resumed = await scheduleMethod(make(), fakeExecutor(2, OUTCOMES, () => order.shift()!), { resume: before });
  assert.deepEqual([...proposals(before), ...proposals(resumed.journal)], proposals(reference.journal));
  assert.deepEqual(resumed.pool.members.map((m) => m.trialId), reference.pool.members.map((m) => m.trialId));
  assert.deepEqual(resumed.pool.failed.map((f) => f.trialId), reference.pool.failed.map((f) => f.trialId));
});
