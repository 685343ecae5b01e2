import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import { RegularizedEvolution } from '../../src/optimizers/regularized-evolution.js';
import type { JournalEvent } from '../../src/run/journal.js';
import { loadSpace } from '../../src/space/load.js';
import { createRng } from '../../src/util/rng.js';
import { fakeExecutor, fakeOutcome } from '../helpers/fake-executor.js';
import { OUTCOMES, recorded, scheduleMethod } from '../helpers/scheduled-method.js';

/*
 * The ask/tell scheduler driven by a fake executor (no tfjs, no threads): what it asks, tells,
 * emits and journals, whatever order the results arrive in.
 */

const nb201 = loadSpace('nb201');
const darts = loadSpace('darts');
const first = (running: number[]) => running[0]!;
const newest = (running: number[]) => running[running.length - 1]!;
const lines = (journal: JournalEvent[], trialId: number) =>
  journal.filter((e) => 'trialId' in e && e.trialId === trialId).map((e) => `${e.event}${'attempt' in e ? ` ${e.attempt}` : ''}`);

test('NES-RS: every trial of the budget is proposed once, never more in flight than the executor takes', async () => {
  const executor = fakeExecutor(3, OUTCOMES, first);
  const { journal, pool, events } = await scheduleMethod(new RandomSearch({ space: nb201, budget: 10, seed: 'rs' }), executor);
  const proposed = journal.flatMap((e) => (e.event === 'proposed' ? [e.trial.id] : []));
  assert.deepEqual(proposed, Array.from({ length: 10 }, (_, i) => i));
  assert.equal(executor.mostInFlight, 3);
  assert.deepEqual(executor.tasks.map((task) => task.trial.id), proposed);
  assert.match(executor.tasks[4]!.memberDir, /members\/re\/0004$/);
  // Each trial: proposed, started, then finished or failed, as the fake outcome says.
  for (const task of executor.tasks) {
    const { result } = fakeOutcome(task.trial, OUTCOMES);
    assert.deepEqual(lines(journal, task.trial.id), ['started 1', result.status === 'finished' ? 'finished' : 'failed 1']);
  }
  const settled = events.flatMap((e) => (e.type === 'trial-settled' ? [e.settled.trial.id] : []));
  assert.deepEqual([...settled].sort((a, b) => a - b), proposed);
  assert.deepEqual(
    [...pool.members.map((m) => m.trialId), ...pool.failed.map((f) => f.trialId)].sort((a, b) => a - b),
    proposed,
  );
  assert.ok(pool.members.length > 0 && pool.failed.length > 0);
  assert.deepEqual(pool.members.map((m) => m.trialId), [...pool.members.map((m) => m.trialId)].sort((a, b) => a - b));
});

test('NES-RE asynchronously: results told in the order they arrive, new trials proposed while others run', async () => {
  const search = new RegularizedEvolution({ space: darts, budget: 12, seed: 're-async', populationSize: 3, parentCandidates: 2, severities: [0, 3] });
  const { optimizer, calls } = recorded(search);
  const { journal } = await scheduleMethod(optimizer, fakeExecutor(3, OUTCOMES, newest));
  const told = calls.flatMap((call) => ('tell' in call ? [call.tell[0].id] : []));
  const ended = journal.flatMap((e) => (e.event === 'finished' || e.event === 'failed' ? [e.trialId] : []));
  assert.deepEqual(told, ended);
  assert.notDeepEqual(told, [...told].sort((a, b) => a - b), 'the newest training ends first: out of order');
  // A trial proposed before an earlier one ended: no generation barrier.
  const at = (trialId: number, kind: string) => journal.findIndex((e) => e.event === kind && ('trial' in e ? e.trial.id : 'trialId' in e ? e.trialId : -1) === trialId);
  assert.ok(at(3, 'proposed') < Math.max(at(0, 'finished'), at(0, 'failed')));
  assert.equal(search.ask(), null);
});

test('a retried attempt is journaled, and a trial that fails for good is told as failed and kept out of the pool', async () => {
  const outcomes = { ...OUTCOMES, failureRate: 0.4, retryRate: 0.5 };
  const { optimizer, calls } = recorded(new RandomSearch({ space: nb201, budget: 12, seed: 'retries' }));
  const executor = fakeExecutor(2, outcomes, newest);
  const { journal, pool } = await scheduleMethod(optimizer, executor, { outcomes });
  const kinds = executor.tasks.map((task) => fakeOutcome(task.trial, outcomes));
  assert.ok(kinds.some((k) => k.failedAttempts.length > 0 && k.result.status === 'finished'), 'a retried trial that finishes');
  assert.ok(kinds.some((k) => k.result.status === 'failed'), 'a trial that fails');
  for (const [i, task] of executor.tasks.entries()) {
    const { result, failedAttempts } = kinds[i]!;
    const retried = failedAttempts.length > 0 ? ['started 1', 'attempt-failed 1', 'started 2'] : ['started 1'];
    assert.deepEqual(lines(journal, task.trial.id), [...retried, result.status === 'finished' ? 'finished' : `failed ${result.attempts}`]);
    const tell = calls.find((call) => 'tell' in call && call.tell[0].id === task.trial.id);
    assert.ok(tell && 'tell' in tell);
    assert.equal(tell.tell[1].status, result.status);
    const failure = pool.failed.find((f) => f.trialId === task.trial.id);
    assert.equal(failure?.attempts, result.status === 'failed' ? result.attempts : undefined);
    assert.equal(pool.members.some((m) => m.trialId === task.trial.id), result.status === 'finished');
  }
});

test('on resume, a trial in flight whose files are complete is adopted, not trained again', async () => {
  const make = () => new RandomSearch({ space: nb201, budget: 6, seed: 'adopt' });
  const reference = await scheduleMethod(make(), fakeExecutor(2, { ...OUTCOMES, failureRate: 0 }, first));
  // Stop right after trial 2 started: 0 ended, 1 and 2 in flight (2's files done), 3 not proposed.
  const cut = reference.journal.findIndex((e) => e.event === 'started' && e.trialId === 2) + 1;
  const before = reference.journal.slice(0, cut);
  assert.deepEqual(before.flatMap((e) => (e.event === 'finished' ? [e.trialId] : [])), [0]);
  const executor = fakeExecutor(2, { ...OUTCOMES, failureRate: 0 }, first);
  const resumed = await scheduleMethod(make(), executor, { resume: before, outcomes: { ...OUTCOMES, failureRate: 0 }, completeInFlight: [2] });
  const adopted = resumed.journal.findIndex((e) => e.event === 'adopted');
  assert.deepEqual(lines(resumed.journal, 2), ['adopted', 'finished']);
  assert.equal(resumed.journal[adopted + 1]!.event, 'finished');
  assert.deepEqual(executor.tasks.map((task) => task.trial.id), [1, 3, 4, 5]);
  assert.deepEqual(resumed.pool.members.map((m) => m.trialId), [0, 1, 2, 3, 4, 5]);
  const replayed = resumed.events.flatMap((e) => (e.type === 'trial-settled' && e.replayed ? [e.settled.trial.id] : []));
  assert.deepEqual(replayed, [0]);
});

test('the same seeds and finish order give the same schedule', async () => {
  const run = async () => {
    const rng = createRng('order');
    return (await scheduleMethod(new RandomSearch({ space: nb201, budget: 8, seed: 'same' }), fakeExecutor(3, OUTCOMES, (r) => rng.choice(r)))).journal.map(
      ({ time: _time, ...event }) => event,
    );
  };
  assert.deepEqual(await run(), await run());
});
