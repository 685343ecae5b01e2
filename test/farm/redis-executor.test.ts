/**
 * RedisExecutor against a real redis-server with in-process BullMQ workers: canned results (no
 * training) for retries, failures and idempotency; one real RedisTrainingWorker for the timeout.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, RedisConnection, Worker, type Job } from 'bullmq';
import { readNpy } from '../../src/data/npy.js';
import type { ExecutorResult } from '../../src/farm/executor.js';
import { probeRedis, RedisExecutor } from '../../src/farm/redis/executor.js';
import {
  connectionFor,
  dataFingerprint,
  datasetReference,
  encodeMember,
  MEMBER_FORMAT,
  registryClient,
  registryKey,
  type TrainJobData,
  type TrainJobResult,
} from '../../src/farm/redis/protocol.js';
import { RedisTrainingWorker } from '../../src/farm/redis/worker.js';
import type { TrainTask, WorkerDataSets } from '../../src/farm/types.js';
import { loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { resolveConfig } from '../../src/run/config.js';
import { buildWorkerDataSets } from '../../src/farm/worker-data.js';
import { startTestRedis, type TestRedis } from '../fixtures/redis-server.js';
import { blankImages } from '../helpers/blank-images.js';
import { NesInputError } from '../../src/util/errors.js';
import { StorageError } from '../../src/farm/storage-error.js';

let redis: TestRedis;
before(async () => {
  redis = await startTestRedis();
});
after(async () => {
  if (redis && 'stop' in redis) await redis.stop();
});

const images = blankImages;
const data: WorkerDataSets = {
  train: images(4),
  numClasses: 2,
  normalization: { mean: [0.5], std: [0.5] },
  validation: { 0: images(3), 2: images(3) },
  test: { 0: images(3), 2: images(3) },
};
const reference = { dataset: { name: 'fashion-mnist' as const }, seed: 0, shift: { severities: [0, 2], validationSuite: 'v', testSuite: 't' }, fingerprint: dataFingerprint(data) };

function task(id: number, root: string): Omit<TrainTask, 'progressChannel'> {
  return {
    method: 'rs',
    trial: { id, seed: id, genotype: { space: 'nb201', edges: [] }, origin: { source: 'random' } },
    macro: { cells: 1, channels: 1, stemMultiplier: 1 },
    training: { epochs: 1, batchSize: 1, learningRate: 0.1, momentum: 0.9, weightDecay: 0, gradientClip: 5 },
    memberDir: join(root, String(id)),
  };
}

/** A finished member whose predictions encode the trial id, so that files can be checked. */
function cannedMember(trialId: number): TrainJobResult {
  const probs = (offset: number) => Float32Array.from({ length: 6 }, (_, i) => (i % 2 === 0 ? 0.25 + offset : 0.75 - offset));
  return {
    status: 'finished',
    format: MEMBER_FORMAT,
    payload: encodeMember({
      validationProbs: { 0: probs(trialId / 100), 2: probs(0) },
      testProbs: { 0: probs(trialId / 100), 2: probs(0) },
      lossCurve: [1.5, 1.25],
      predictSeconds: 0.5,
      seconds: 0.5,
      model: { modelJson: JSON.stringify({ trial: trialId }), weights: Uint8Array.from([trialId, 1, 2, 3]) },
    }),
  };
}

test('retries with backoff carry the worker reason; a failed result is not retried; results are recorded once', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const root = mkdtempSync(join(tmpdir(), 'nes-redis-executor-'));
  const calls = new Map<string, number>();
  const worker = new Worker<TrainJobData, TrainJobResult>(
    'nes-canned',
    async (job: Job<TrainJobData, TrainJobResult>) => {
      calls.set(job.id!, (calls.get(job.id!) ?? 0) + 1);
      await job.updateProgress({ trialId: job.data.task.trial.id, method: 'rs', epoch: 1, epochs: 1, loss: 1 });
      switch (job.data.task.trial.id) {
        case 1:
          if (job.attemptsMade === 0) throw new Error('flaky worker');
          return cannedMember(1);
        case 2:
          return { status: 'failed', reason: 'non-finite loss at epoch 1' };
        case 3:
          throw new Error('broken worker');
        default:
          return cannedMember(job.data.task.trial.id);
      }
    },
    { connection: connectionFor(redis.url), prefix: 'nes', concurrency: 4 },
  );
  const progress: number[] = [];
  const executor = new RedisExecutor({
    url: redis.url,
    runId: 'canned',
    dataset: reference,
    engine: 'cpu',
    data,
    maxAttempts: 2,
    taskTimeoutMs: 60_000,
    backoffMs: 100,
    pollMs: 50,
    onProgress: (p) => progress.push(p.trialId),
  });
  try {
    const failures: [number, number, string][] = [];
    const onFailed = (id: number) => (attempt: number, reason: string) => failures.push([id, attempt, reason]);
    const first = executor.train(task(0, root));
    assert.equal(executor.train(task(0, root)), first, 'the same job asked twice is one job');
    const results = await Promise.all([first, ...[1, 2, 3].map((id) => executor.train(task(id, root), onFailed(id)))]);
    const summary = results.map((r: ExecutorResult) => [r.status, r.attempts, r.status === 'failed' ? r.reason : '']);
    assert.deepEqual(summary, [
      ['finished', 1, ''],
      ['finished', 2, ''],
      ['failed', 1, 'non-finite loss at epoch 1'],
      ['failed', 2, 'broken worker'],
    ]);
    assert.deepEqual(failures, [
      [1, 1, 'flaky worker'],
      [3, 1, 'broken worker'],
    ]);
    assert.deepEqual(Object.fromEntries(calls), { 'rs-0': 1, 'rs-1': 2, 'rs-2': 1, 'rs-3': 2 });
    assert.ok(progress.includes(0) && progress.includes(1));

    // The coordinator wrote the members' files from the jobs' return values.
    const finished = results[1]!;
    assert.equal(finished.status, 'finished');
    if (finished.status === 'finished') assert.deepEqual(finished.lossCurve, [1.5, 1.25]);
    const testProbs = readNpy(join(root, '1', 'test.npy'));
    assert.deepEqual(testProbs.shape, [3, 2]);
    assert.ok(Math.abs((testProbs.data as Float32Array)[0]! - 0.26) < 1e-6);
    assert.ok(existsSync(join(root, '1', 'test-severity-2.npy')));
    assert.deepEqual([...readFileSync(join(root, '1', 'weights.bin'))], [1, 1, 2, 3]);
    assert.deepEqual(JSON.parse(readFileSync(join(root, '1', 'member.json'), 'utf8')).trialId, 1);
    assert.ok(!existsSync(join(root, '2')) && !existsSync(join(root, '3')), 'no files for failed members');

    // A job that finished while no coordinator listened (e.g. before a resume) is taken from Redis once.
    const queue = new Queue<TrainJobData, TrainJobResult>('nes-canned', { connection: connectionFor(redis.url), prefix: 'nes' });
    const events = new QueueEvents('nes-canned', { connection: connectionFor(redis.url), prefix: 'nes' });
    await events.waitUntilReady();
    const { memberDir: _dir, startFrom: _start, ...early } = task(5, root);
    const job = await queue.add('train', { task: early, dataset: reference, engine: 'cpu', taskTimeoutMs: 60_000 }, { jobId: 'rs-5' });
    await job.waitUntilFinished(events);
    const adopted = await executor.train(task(5, root));
    assert.deepEqual([adopted.status, calls.get('rs-5')], ['finished', 1]);
    assert.ok(existsSync(join(root, '5', 'model.json')));
    await events.close();
    await queue.close();

    const client = registryClient(await (executor as unknown as { queue: Queue }).queue.client);
    assert.deepEqual(await client.zrangebyscore(registryKey(), '-inf', '+inf'), ['nes-canned']);
  } finally {
    await executor.close();
    await worker.close();
  }
});

test('a full disk on the coordinator stops the search without failing the trial; the resume takes the result kept in Redis', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const runDir = mkdtempSync(join(tmpdir(), 'nes-redis-full-'));
  const members = join(runDir, 'members', 'rs');
  const trained = new Map<string, number>();
  const worker = new Worker<TrainJobData, TrainJobResult>(
    'nes-full-disk',
    async (job: Job<TrainJobData, TrainJobResult>) => {
      trained.set(job.id!, (trained.get(job.id!) ?? 0) + 1);
      return cannedMember(job.data.task.trial.id);
    },
    { connection: connectionFor(redis.url), prefix: 'nes' },
  );
  const options = { url: redis.url, runId: 'full-disk', dataset: reference, engine: 'cpu' as const, data, maxAttempts: 3, taskTimeoutMs: 60_000, pollMs: 50 };
  // The disk is full when the coordinator writes the member (the error as fs gives it).
  const full = new RedisExecutor({
    ...options,
    writeMember: (dir) => {
      throw Object.assign(new Error(`ENOSPC: no space left on device, write '${join(dir, 'test.npy')}'`), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    },
  });
  const retries: number[] = [];
  try {
    await assert.rejects(
      full.train(task(0, members), (attempt) => retries.push(attempt)),
      (error: Error) =>
        error instanceof StorageError &&
        error.message ===
          `cannot write ${join(members, '0')}: no space left on the device (ENOSPC); the search stopped and nothing finished is lost: make room (or fix the folder), then go on with: nes search --resume ${runDir}`,
    );
    // Once stopped, no new training starts.
    await assert.rejects(full.train(task(1, members)), StorageError);
  } finally {
    await full.close();
  }
  assert.deepEqual(retries, []);
  // The resume (a new coordinator of the same run, disk freed): the result is still in Redis.
  const resumed = new RedisExecutor(options);
  try {
    const result = await resumed.train(task(0, members));
    assert.deepEqual([result.status, trained.get('rs-0')], ['finished', 1]);
    assert.deepEqual([...readFileSync(join(members, '0', 'weights.bin'))], [0, 1, 2, 3]);
  } finally {
    await resumed.close();
    await worker.close();
  }
});

test('a training that outlives taskTimeoutSeconds fails without a retry', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const config = resolveConfig({ dataset: { trainLimit: 16 }, shift: { severities: [0] } });
  const dataset = loadFashionMnist({ seed: config.seed, shared: true, trainLimit: 16 });
  const realData = buildWorkerDataSets(dataset, config);
  const lines: string[] = [];
  const worker = new RedisTrainingWorker({ url: redis.url, queues: ['nes-timeout'], engine: 'cpu', log: (line) => lines.push(line) });
  await worker.start();
  const executor = new RedisExecutor({
    url: redis.url,
    runId: 'timeout',
    dataset: datasetReference(config, realData),
    engine: 'cpu',
    data: realData,
    maxAttempts: 3,
    taskTimeoutMs: 1,
    backoffMs: 100,
  });
  try {
    const failures: number[] = [];
    const result = await executor.train(task(0, mkdtempSync(join(tmpdir(), 'nes-redis-timeout-'))), (attempt) => failures.push(attempt));
    assert.deepEqual([result.status, result.attempts, failures], ['failed', 1, []]);
    assert.match((result as { reason: string }).reason, /timed out after 0\.001 s/);
  } finally {
    await executor.close();
    await worker.close();
  }
  assert.ok(lines.some((line) => /rs-0: taken/.test(line)), lines.join('\n'));
});

test('an unreachable Redis is a clear error, not a hang', async () => {
  const started = Date.now();
  await assert.rejects(probeRedis('redis://:secret@127.0.0.1:1', 2000), (error: Error) => {
    assert.match(error.message, /cannot reach Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 \(.*ECONNREFUSED.*\)/);
    assert.ok(error instanceof NesInputError);
    return true;
  });
  assert.ok(Date.now() - started < 2000);
});

test('a password in the URL reaches Redis; a wrong one is a clear error', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const { url } = redis;
  const admin = new RedisConnection(connectionFor(url), { shared: false });
  const call = async (...args: string[]) => ((await admin.client) as unknown as { call(...a: string[]): Promise<unknown> }).call(...args);
  await call('ACL', 'SETUSER', 'nes-test', 'on', '>s3cret', '~*', '&*', '+@all');
  try {
    const withUser = (password: string) => url.replace('redis://', `redis://nes-test:${password}@`);
    await probeRedis(withUser('s3cret'), 2000);
    await assert.rejects(probeRedis(withUser('wrong'), 2000), /cannot reach Redis at redis:\/\/nes-test:\*\*\*@.*WRONGPASS/);
  } finally {
    await call('ACL', 'DELUSER', 'nes-test');
    await admin.close();
  }
});
