import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ExecutorResult, TrainingExecutor } from '../../src/farm/executor.js';
import { FixedArchitecture } from '../../src/optimizers/fixed-architecture.js';
import { RandomSearch } from '../../src/optimizers/random-search.js';
import { RegularizedEvolution } from '../../src/optimizers/regularized-evolution.js';
import type { Optimizer, Trial } from '../../src/optimizers/types.js';
import { Journal, type JournalEvent } from '../../src/run/journal.js';
import { JournalError, readJournal } from '../../src/run/journal-reader.js';
import { runFolder } from '../../src/run/run-folder.js';
import { runAskTellLoop } from '../../src/search/ask-tell-loop.js';
import { toPoolMember } from '../../src/search/pool.js';
import { loadSpace } from '../../src/space/load.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import { createRng, type Rng } from '../../src/util/rng.js';

/*
 * A resumed search rebuilds each optimizer by replaying the journal's asks and tells into a fresh
 * one (there is no saved optimizer state). These tests cut the journal of an uninterrupted loop at
 * many points, resume from each cut with a fresh optimizer and check that it goes on exactly as
 * the uninterrupted one did: same proposals (ids, genotypes, seeds, origins: for NES-RE the
 * population order and parent candidates), same pool, running trials trained again and told.
 */

const CLASSES = 3;
const POINTS = 8;
const validationLabels = Uint8Array.from({ length: POINTS }, (_, i) => i % CLASSES);
const darts = loadSpace('darts');
const nb201 = loadSpace('nb201');

/** What a trial's training gives: a function of its seed alone, so a retrained trial gives the same. */
function outcome(trial: Trial): ExecutorResult {
  if (trial.seed % 5 === 0) return { status: 'failed', reason: 'simulated failure', attempts: 1 };
  const rng = createRng(`outcome:${trial.seed}`);
  const probs = () => {
    const values = Float32Array.from({ length: POINTS * CLASSES }, () => 0.05 + rng.next());
    for (let row = 0; row < POINTS; row++) {
      const slice = values.subarray(row * CLASSES, (row + 1) * CLASSES);
      const sum = slice.reduce((a, b) => a + b, 0);
      slice.forEach((value, i) => (slice[i] = value / sum));
    }
    return values;
  };
  const severities = { 0: probs(), 3: probs() };
  return { status: 'finished', validationProbs: severities, testProbs: severities, lossCurve: [1], seconds: 1, predictSeconds: 0, attempts: 1 };
}

/**
 * An executor that finishes one running training at a time, whenever the loop waits: the one
 * `pick` names among those running.
 */
function scriptedExecutor(concurrency: number, pick: (running: number[]) => number): TrainingExecutor {
  const running = new Map<number, { trial: Trial; resolve: (result: ExecutorResult) => void }>();
  let scheduled = false;
  const step = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (running.size === 0) return;
      const id = pick([...running.keys()].sort((a, b) => a - b));
      const entry = running.get(id);
      assert.ok(entry, `trial ${id} should be running; running: ${[...running.keys()].join(', ')}`);
      running.delete(id);
      entry.resolve(outcome(entry.trial));
      step();
    });
  };
  return {
    concurrency,
    train: (task) =>
      new Promise<ExecutorResult>((resolve) => {
        running.set(task.trial.id, { trial: task.trial, resolve });
        step();
      }),
    close: async () => {},
  };
}

async function runLoop(
  optimizer: Optimizer,
  executor: TrainingExecutor,
  resume?: JournalEvent[],
): Promise<{ events: JournalEvent[]; members: number[]; failed: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'nes-replay-'));
  const run = runFolder(dir, 'run');
  const journalPath = join(dir, 'journal.jsonl');
  const journal = new Journal(journalPath);
  const readMember = (trial: Trial) => {
    const result = outcome(trial);
    return result.status === 'finished' ? toPoolMember(trial, result, validationLabels, CLASSES) : undefined;
  };
  try {
    const pool = await runAskTellLoop({
      method: 're',
      optimizer,
      executor,
      run,
      journal,
      macro: { cells: 2, channels: 4, stemMultiplier: 3 },
      training: { epochs: 1, batchSize: 8, learningRate: 0.025, momentum: 0.9, weightDecay: 3e-4, gradientClip: 5 },
      validationLabels,
      numClasses: CLASSES,
      // Members the journal calls finished have their files; the ones in flight do not yet.
      resume: resume && { events: resume, readMember: (trial) => (resume.some((e) => e.event === 'finished' && e.trialId === trial.id) ? readMember(trial) : undefined) },
    });
    return { events: readJournal(journalPath), members: pool.members.map((m) => m.trialId), failed: pool.failed.map((f) => f.trialId) };
  } finally {
    journal.close();
  }
}

const proposals = (events: JournalEvent[]) => events.flatMap((e) => (e.event === 'proposed' ? [e.trial] : []));
const ends = (events: JournalEvent[]) => events.flatMap((e) => (e.event === 'finished' || e.event === 'failed' ? [e.trialId] : []));

async function checkResumesLikeUninterrupted(makeOptimizer: () => Optimizer, concurrency: number): Promise<void> {
  const rng: Rng = createRng('finish order');
  const reference = await runLoop(makeOptimizer(), scriptedExecutor(concurrency, (running) => rng.choice(running)));
  assert.ok(reference.failed.length > 0 && reference.members.length > 0);
  const referenceEnds = ends(reference.events);
  for (let cut = 0; cut <= reference.events.length; cut++) {
    const before = reference.events.slice(0, cut);
    // The resumed part ends its trials in the order the uninterrupted run did.
    const order = referenceEnds.slice(ends(before).length);
    const resumed = await runLoop(makeOptimizer(), scriptedExecutor(concurrency, () => order.shift()!), before);
    assert.deepEqual([...proposals(before), ...proposals(resumed.events)], proposals(reference.events), `cut after event ${cut}`);
    assert.deepEqual(resumed.members, reference.members, `cut after event ${cut}`);
    assert.deepEqual(resumed.failed, reference.failed, `cut after event ${cut}`);
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
  const reference = await runLoop(new RandomSearch({ space: nb201, budget: 3, seed: 'a' }), scriptedExecutor(1, (running) => running[0]!));
  await assert.rejects(
    runLoop(new RandomSearch({ space: nb201, budget: 3, seed: 'b' }), scriptedExecutor(1, (running) => running[0]!), reference.events),
    (error: unknown) => error instanceof JournalError && /trial 0 was not proposed again as recorded/.test(error.message),
  );
});

test("a journal with 'requeued' lines (jobs Redis lost and the executor queued again) resumes like one without", async () => {
  const make = () => new RandomSearch({ space: nb201, budget: 6, seed: 'requeued' });
  const reference = await runLoop(make(), scriptedExecutor(2, (running) => running[0]!));
  const time = new Date().toISOString();
  // Every training was lost once: requeued as attempt 2.
  const withRequeues = reference.events.flatMap((event): JournalEvent[] =>
    event.event === 'started'
      ? [event, { time, event: 'requeued', method: event.method, trialId: event.trialId, attempt: 1, reason: 'the job vanished from Redis' }, { ...event, attempt: 2 }]
      : [event],
  );
  const cut = withRequeues.findIndex((event) => event.event === 'finished') + 3;
  const before = withRequeues.slice(0, cut);
  const order = ends(reference.events).slice(ends(before).length);
  const resumed = await runLoop(make(), scriptedExecutor(2, () => order.shift()!), before);
  assert.deepEqual([...proposals(before), ...proposals(resumed.events)], proposals(reference.events));
  assert.deepEqual(resumed.members, reference.members);
  assert.deepEqual(resumed.failed, reference.failed);
});
