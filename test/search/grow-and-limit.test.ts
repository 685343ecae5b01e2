import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import { RegularizedEvolution } from '../../src/optimizers/regularized-evolution.js';
import type { Optimizer } from '../../src/optimizers/types.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { isRunDone, runCompletion } from '../../src/run/run-completion.js';
import { canonicalGenotypeJson } from '../../src/space/id.js';
import { loadSpace } from '../../src/space/load.js';
import { fakeExecutor } from '../helpers/fake-executor.js';
import { OUTCOMES, scheduleMethod } from '../helpers/scheduled-method.js';

/*
 * A study grown from K to K2 (the optimizer rebuilt with the larger budget, the journal replayed
 * into it) and a time limit on starting trainings, with the fake executor (no tfjs, no threads).
 */

const nb201 = loadSpace('nb201');
const darts = loadSpace('darts');
const first = (running: number[]) => running[0]!;
const proposals = (journal: JournalEvent[]) => journal.flatMap((e) => (e.event === 'proposed' ? [e.trial] : []));
const asJson = (trials: ReturnType<typeof proposals>) => trials.map((t) => ({ ...t, genotype: canonicalGenotypeJson(t.genotype) }));
const ended = (journal: JournalEvent[]) => journal.filter((e) => e.event === 'finished' || e.event === 'failed').length;

const methods: [string, (budget: number) => Optimizer][] = [
  ['NES-RS', (budget) => new RandomSearch({ space: nb201, budget, seed: 'grow-rs' })],
  ['NES-RE', (budget) => new RegularizedEvolution({ space: darts, budget, seed: 'grow-re', populationSize: 3, parentCandidates: 2, severities: [0, 3] })],
];

for (const [name, make] of methods) {
  test(`${name} grown from 6 to 12: the first 6 trials replayed unchanged and not retrained, 6 new distinct ones after them`, async () => {
    const original = await scheduleMethod(make(6), fakeExecutor(2, OUTCOMES, first), { networks: 6 });
    assert.equal(ended(original.journal), 6);
    const executor = fakeExecutor(2, OUTCOMES, first);
    const grown = await scheduleMethod(make(12), executor, { resume: original.journal, networks: 12 });
    const all = [...original.journal, ...grown.journal];
    const trials = proposals(all);
    assert.deepEqual(trials.map((t) => t.id), Array.from({ length: 12 }, (_, i) => i));
    assert.deepEqual(asJson(trials.slice(0, 6)), asJson(proposals(original.journal)));
    assert.deepEqual(executor.tasks.map((task) => task.trial.id), [6, 7, 8, 9, 10, 11], 'only the new trials are trained');
    assert.equal(new Set(trials.map((t) => `${canonicalGenotypeJson(t.genotype)}:${t.seed}`)).size, 12, 'distinct trials');
    const settled = [...grown.pool.members.map((m) => m.trialId), ...grown.pool.failed.map((f) => f.trialId)].sort((a, b) => a - b);
    assert.deepEqual(settled, trials.map((t) => t.id), 'the grown pool holds the old and the new trials');
    if (name === 'NES-RE') {
      // The population goes on evolving: the new trials are mutations of members of the pool.
      const members = new Set(grown.pool.members.map((m) => m.trialId));
      for (const trial of trials.slice(6)) {
        assert.equal(trial.origin.source, 'mutation');
        assert.ok(trial.origin.source === 'mutation' && members.has(trial.origin.parent), `trial ${trial.id}'s parent is a pool member`);
      }
    }
  });
}

test('past the time limit no training starts, those running finish, the limit is journaled; a resume without it goes on to the budget', async () => {
  const outcomes = { ...OUTCOMES, failureRate: 0 };
  const executor = fakeExecutor(2, outcomes, first);
  // A clock that passes the limit once four trainings have started.
  const deadline = { at: 1, seconds: 60, now: () => (executor.tasks.length >= 4 ? 1 : 0) };
  const limited = await scheduleMethod(new RandomSearch({ space: nb201, budget: 10, seed: 'limit' }), executor, { outcomes, networks: 10, deadline });
  assert.deepEqual(executor.tasks.map((task) => task.trial.id), [0, 1, 2, 3]);
  assert.deepEqual(limited.pool.members.map((m) => m.trialId), [0, 1, 2, 3], 'the trainings in flight at the limit finished');
  const limit = limited.journal.filter((e) => e.event === 'time-limit-reached');
  assert.equal(limit.length, 1);
  assert.deepEqual({ ...limit[0], time: undefined }, { time: undefined, event: 'time-limit-reached', method: 're', limitSeconds: 60, proposed: 4, networks: 10 });
  // Journaled after the fourth proposal, before the last results came in.
  const at = limited.journal.indexOf(limit[0]!);
  assert.ok(limited.journal.slice(at).some((e) => e.event === 'finished'));
  assert.ok(!limited.journal.slice(at).some((e) => e.event === 'proposed'));

  const resumedExecutor = fakeExecutor(2, outcomes, first);
  const resumed = await scheduleMethod(new RandomSearch({ space: nb201, budget: 10, seed: 'limit' }), resumedExecutor, { outcomes, resume: limited.journal, networks: 10 });
  assert.deepEqual(resumedExecutor.tasks.map((task) => task.trial.id), [4, 5, 6, 7, 8, 9]);
  assert.equal(resumed.pool.members.length, 10);
});

test('a limit that passed already: nothing starts, not even a retraining of a trial in flight at the stop', async () => {
  const outcomes = { ...OUTCOMES, failureRate: 0 };
  const make = () => new RandomSearch({ space: nb201, budget: 5, seed: 'late' });
  const reference = await scheduleMethod(make(), fakeExecutor(2, outcomes, first), { outcomes, networks: 5 });
  const cut = reference.journal.findIndex((e) => e.event === 'started' && e.trialId === 2) + 1;
  const executor = fakeExecutor(2, outcomes, first);
  const resumed = await scheduleMethod(make(), executor, { outcomes, resume: reference.journal.slice(0, cut), networks: 5, deadline: { at: 0, seconds: 1 } });
  assert.deepEqual(executor.tasks, []);
  assert.deepEqual(resumed.journal.map((e) => e.event), ['time-limit-reached']);
});

test('a limit is not reported when the budget was all started anyway', async () => {
  const executor = fakeExecutor(2, OUTCOMES, first);
  const deadline = { at: 1, seconds: 60, now: () => (executor.tasks.length >= 5 ? 1 : 0) };
  const { journal } = await scheduleMethod(new RandomSearch({ space: nb201, budget: 5, seed: 'all' }), executor, { networks: 5, deadline });
  assert.equal(executor.tasks.length, 5);
  assert.ok(!journal.some((e) => e.event === 'time-limit-reached'));
});

test('a run is done only when its last part finished without the time limit', () => {
  const at = (event: Record<string, unknown>, time = '2026-01-01T00:00:00.000Z') => ({ time, ...event }) as JournalEvent;
  const started = at({ event: 'run-started', methods: ['rs'], engine: 'wasm', workers: 1 });
  const limit = at({ event: 'time-limit-reached', method: 'rs', limitSeconds: 1, proposed: 1, networks: 2 });
  const finished = at({ event: 'run-finished', seconds: 3 }, '2026-01-01T00:00:03.000Z');
  const resumed = at({ event: 'run-resumed', engine: 'wasm', workers: 1 });
  assert.equal(isRunDone(runCompletion([started])), false);
  assert.deepEqual(runCompletion([started, finished]), { finishedAt: finished.time, timeLimited: false });
  assert.equal(isRunDone(runCompletion([started, limit, finished])), false);
  assert.equal(isRunDone(runCompletion([started, limit, finished, resumed])), false);
  assert.equal(isRunDone(runCompletion([started, limit, finished, resumed, finished])), true);
});
