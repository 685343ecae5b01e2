import { StorageError } from '../../src/farm/storage-error.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TrainingFarm, type FarmResult } from '../../src/farm/farm.js';
import type { TrainTask } from '../../src/farm/types.js';
import type { TrainProgress, WorkerDataSets } from '../../src/farm/types.js';
import { blankImages } from '../helpers/blank-images.js';
import type { InjectedFault } from '../fixtures/faulty-worker.js';

const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const faultyWorker = new URL(`../fixtures/faulty-worker${extension}`, import.meta.url);

const images = blankImages;
const data: WorkerDataSets = {
  train: images(4),
  numClasses: 2,
  normalization: { mean: [0.5], std: [0.5] },
  validation: { 0: images(4) },
  test: { 0: images(4) },
};

function task(id: number, injected: InjectedFault = {}): Omit<TrainTask, 'progressChannel'> {
  return {
    method: 'rs',
    trial: { id, seed: id, genotype: { space: 'nb201', edges: [] }, origin: { source: 'random' }, ...injected },
    macro: { cells: 1, channels: 1, stemMultiplier: 1 },
    training: { epochs: 1, batchSize: 1, learningRate: 0.1, momentum: 0.9, weightDecay: 0, gradientClip: 5 },
    memberDir: '/nonexistent',
  };
}

function farm(progress: TrainProgress[] = [], timeoutMs = 30_000, workerHeapMb?: number) {
  return new TrainingFarm({
    workerHeapMb,
    workers: 2,
    engine: 'cpu',
    data,
    maxAttempts: 2,
    taskTimeoutMs: timeoutMs,
    workerFile: faultyWorker,
    onProgress: (p) => progress.push(p),
  });
}

test('healthy tasks finish and report progress', async () => {
  const progress: TrainProgress[] = [];
  const trainer = farm(progress);
  const results = await Promise.all([0, 1, 2].map((id) => trainer.train(task(id))));
  await new Promise((resolve) => setTimeout(resolve, 50));
  await trainer.close();
  assert.deepEqual(results.map((r) => [r.status, r.attempts]), [['finished', 1], ['finished', 1], ['finished', 1]]);
  assert.deepEqual(progress.map((p) => p.trialId).sort(), [0, 1, 2]);
});

test('a task that throws is retried up to maxAttempts, then recorded as failed; the others go on', async () => {
  const trainer = farm();
  const failures: [number, number, string][] = [];
  const marker = join(mkdtempSync(join(tmpdir(), 'nes-farm-')), 'marker');
  const [always, once, healthy] = await Promise.all([
    trainer.train(task(0, { fault: 'throw' }), (attempt, reason) => failures.push([0, attempt, reason])),
    trainer.train(task(1, { fault: 'throw-once', marker }), (attempt, reason) => failures.push([1, attempt, reason])),
    trainer.train(task(2)),
  ]);
  await trainer.close();
  assert.equal(always.status, 'failed');
  assert.equal(always.attempts, 2);
  assert.match((always as Extract<FarmResult, { status: 'failed' }>).reason, /injected failure of trial 0/);
  assert.deepEqual([once.status, once.attempts], ['finished', 2]);
  assert.deepEqual([healthy.status, healthy.attempts], ['finished', 1]);
  assert.deepEqual(failures.map(([id, attempt]) => [id, attempt]).sort(), [[0, 1], [1, 1]]);
});

test('a full disk stops the task without a retry or a failure record: the error says how to go on', async () => {
  const trainer = farm();
  const retries: number[] = [];
  const full = { ...task(0, { fault: 'enospc' }), memberDir: '/data/runs/r1/members/rs/0000' };
  await assert.rejects(
    trainer.train(full, (attempt) => retries.push(attempt)),
    (error: Error) =>
      error instanceof StorageError &&
      error.message === 'cannot write /data/runs/r1/members/rs/0000: no space left on the device (ENOSPC); the search stopped and nothing finished is lost: make room (or fix the folder), then go on with: nes search --resume /data/runs/r1',
  );
  await trainer.close();
  assert.deepEqual(retries, []);
});

test('a worker that calls process.exit is replaced and its task retried', async () => {
  const trainer = farm();
  const [exited, after] = await Promise.all([trainer.train(task(0, { fault: 'exit' })), trainer.train(task(1))]);
  const later = await trainer.train(task(2));
  await trainer.close();
  assert.equal(exited.status, 'failed');
  assert.equal(exited.attempts, 2);
  assert.equal(after.status, 'finished');
  assert.equal(later.status, 'finished', 'the farm still trains after losing a worker');
});

test('a non-finite loss fails the candidate at once, without a retry', async () => {
  const trainer = farm();
  const result = await trainer.train(task(0, { fault: 'nan' }), () => assert.fail('must not retry'));
  await trainer.close();
  assert.deepEqual([result.status, result.attempts], ['failed', 1]);
});

test('a task over its time limit is stopped and recorded as timed out', async () => {
  const trainer = farm([], 500);
  const [hung, healthy] = await Promise.all([trainer.train(task(0, { fault: 'hang' })), trainer.train(task(1))]);
  await trainer.close();
  assert.equal(hung.status, 'failed');
  assert.match((hung as Extract<FarmResult, { status: 'failed' }>).reason, /timed out after 0.5 s/);
  assert.equal(healthy.status, 'finished');
});

test('a worker that runs out of memory dies alone; its task is retried, then recorded, and the farm goes on', async () => {
  const trainer = farm([], 60_000, 64);
  const retries: string[] = [];
  const [starved, healthy] = await Promise.all([
    trainer.train(task(0, { fault: 'oom' }), (_attempt, reason) => retries.push(reason)),
    trainer.train(task(1)),
  ]);
  const later = await trainer.train(task(2));
  await trainer.close();
  assert.deepEqual([starved.status, starved.attempts], ['failed', 2]);
  assert.match((starved as Extract<FarmResult, { status: 'failed' }>).reason, /memory/i);
  assert.equal(retries.length, 1);
  assert.equal(healthy.status, 'finished');
  assert.equal(later.status, 'finished');
});
