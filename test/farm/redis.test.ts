/**
 * The Redis executor end to end: a real redis-server, a coordinator (runSearch with executor
 * "redis") and `nes worker` processes. Skipped when redis-server is not installed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RedisConnection } from 'bullmq';
import { loadConfiguredDataset } from '../../src/data/configured-dataset.js';
import { readNpy } from '../../src/data/npy.js';
import { registryClient, registryKey } from '../../src/farm/redis/protocol.js';
import type { TrainProgress } from '../../src/farm/types.js';
import { resolveConfig } from '../../src/run/config.js';
import { runSearch } from '../../src/search/run-search.js';
import { loadConfigInputs } from '../../src/search/config-inputs.js';
import type { SearchProgress } from '../../src/search/progress.js';
import { startTestRedis, type TestRedis } from '../fixtures/redis-server.js';
import { workerSpawner } from '../fixtures/spawn-worker.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';
import { isEngineName } from '../../src/util/engine-names.js';

const ENGINE = [process.env['NES_TEST_ENGINE'] ?? 'wasm'].find(isEngineName) ?? 'wasm';
const BUDGET = 4;

let redis: TestRedis;
const children: ChildProcess[] = [];
const spawnWorker = workerSpawner(children);

before(async () => {
  redis = await startTestRedis();
});

after(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (redis && 'stop' in redis) await redis.stop();
});

function recordingProgress(epochs: TrainProgress[]): SearchProgress {
  return { methodStarted() {}, epoch: (p) => epochs.push(p), trialDone() {}, log() {}, estimate() {}, stop() {} };
}

async function tinySearch(url: string, runId: string, epochs: TrainProgress[] = []) {
  const config = resolveConfig({
    ...TINY_SEARCH,
    budget: BUDGET,
    execution: { executor: 'redis', redis: url, workers: 2, maxAttempts: 2, engine: ENGINE },
  });
  const dataset = loadConfiguredDataset(config.dataset, config.seed, { shared: true });
  const runsDir = mkdtempSync(join(tmpdir(), 'nes-redis-'));
  const inputs = loadConfigInputs(config);
  return runSearch({ config, dataset, inputs, engine: ENGINE, runsDir, runId, progress: recordingProgress(epochs) });
}

type JournalLine = { event: string; method?: string; trialId?: number; attempt?: number; reason?: string };

function journalOf(runDir: string): JournalLine[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalLine);
}

/** Every trial finished exactly once, and each member folder holds a complete, readable member. */
function assertEveryMemberOnce(runDir: string, results: { methods: Record<string, { pool: unknown[]; failed: unknown[] }>; dataset: { test: number } }) {
  assert.equal(results.methods['rs']!.pool.length, BUDGET);
  assert.equal(results.methods['rs']!.failed.length, 0);
  const finished = journalOf(runDir).filter((e) => e.event === 'finished').map((e) => e.trialId);
  assert.deepEqual([...finished].sort(), [...Array(BUDGET).keys()], 'each trial journaled as finished exactly once');
  const memberDirs = readdirSync(join(runDir, 'members', 'rs'));
  assert.equal(memberDirs.length, BUDGET);
  for (const member of memberDirs) {
    const dir = join(runDir, 'members', 'rs', member);
    for (const file of ['model.json', 'weights.bin', 'member.json', 'validation.npy', 'test.npy', 'validation-severity-2.npy', 'test-severity-2.npy']) {
      assert.ok(existsSync(join(dir, file)), `${member}/${file}`);
    }
    const test = readNpy(join(dir, 'test-severity-2.npy'));
    assert.deepEqual(test.shape, [results.dataset.test, 10]);
    const rows = test.data as Float32Array;
    for (let row = 0; row < 3; row++) {
      const sum = rows.subarray(row * 10, row * 10 + 10).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(sum - 1) < 1e-4, `probabilities of row ${row} sum to 1`);
    }
    const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    const weightBytes = modelJson.weightsManifest[0].weights.reduce(
      (total: number, w: { shape: number[] }) => total + 4 * w.shape.reduce((a, b) => a * b, 1),
      0,
    );
    assert.equal(readFileSync(join(dir, 'weights.bin')).length, weightBytes, `${member}: weights.bin matches model.json`);
  }
}

async function registryMembers(url: string): Promise<string[]> {
  const connection = new RedisConnection({ url, maxRetriesPerRequest: null }, { shared: false });
  try {
    const client = await connection.client;
    const members = await registryClient(client).zrangebyscore(registryKey(), '-inf', '+inf');
    const keys = (await (client as unknown as { keys(pattern: string): Promise<string[]> }).keys('nes:nes-*')) as string[];
    return [...members, ...keys];
  } finally {
    await connection.close();
  }
}

test('two workers discover the run and train every member once; the coordinator writes the files', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const { url } = redis;
  const workers = [spawnWorker(['--redis', url]), spawnWorker(['--redis', url])];
  await Promise.all(workers.map((w) => w.waitFor(/waiting for runs/)));

  const epochs: TrainProgress[] = [];
  const { run, results } = await tinySearch(url, 'dist-a', epochs);
  assertEveryMemberOnce(run.dir, results as never);
  // Per-epoch progress came back through the queue events.
  assert.deepEqual([...new Set(epochs.map((p) => p.trialId))].sort(), [...Array(BUDGET).keys()]);
  // Both workers trained; between them, each job once.
  const done = workers.map((w) => [...w.output().matchAll(/nes-dist-a (rs-\d+): finished/g)].map((m) => m[1]!));
  assert.ok(done.every((jobs) => jobs.length > 0), `both workers trained:\n${workers.map((w) => w.output()).join('\n---\n')}`);
  assert.deepEqual(done.flat().sort(), ['rs-0', 'rs-1', 'rs-2', 'rs-3']);
  // Closing the executor unregistered the run and deleted its queue.
  assert.deepEqual(await registryMembers(url), []);

  // The workers notice the run ended, and stop gracefully on SIGTERM.
  await Promise.all(workers.map((w) => w.waitFor(/run nes-dist-a ended/)));
  for (const worker of workers) worker.child.kill('SIGTERM');
  assert.deepEqual(await Promise.all(workers.map((w) => w.exited)), [0, 0]);
});

test('a worker killed mid-job: its job is retaken by the other worker and every member is recorded once', async (t) => {
  if ('skip' in redis) return t.skip(redis.skip);
  const { url } = redis;
  const fast = ['--lock-seconds', '2', '--stalled-seconds', '1'];
  const doomed = spawnWorker(['--redis', url, '--run', 'dist-b', ...fast], { NES_TEST_HOLD_FIRST_JOB_MS: '120000' });
  const survivor = spawnWorker(['--redis', url, '--run', 'dist-b', ...fast]);
  await Promise.all([doomed, survivor].map((w) => w.waitFor(/serving nes-dist-b/)));

  const search = tinySearch(url, 'dist-b');
  await doomed.waitFor(/test: holding (rs-\d+)/);
  const lost = /test: holding (rs-\d+)/.exec(doomed.output())![1]!;
  doomed.child.kill('SIGKILL');

  const { run, results } = await search;
  assertEveryMemberOnce(run.dir, results as never);
  assert.match(survivor.output(), new RegExp(`nes-dist-b ${lost}: finished`));
  const trialId = Number(lost.split('-')[1]);
  const journal = journalOf(run.dir).filter((e) => e.trialId === trialId);
  const failedAttempt = journal.find((e) => e.event === 'attempt-failed');
  assert.ok(failedAttempt, `the lost attempt is journaled: ${JSON.stringify(journal)}`);
  assert.match(failedAttempt.reason!, /stalled/);
  assert.deepEqual(journal.filter((e) => e.event === 'started').map((e) => e.attempt), [1, 2]);
  assert.equal(journal.filter((e) => e.event === 'finished').length, 1);

  survivor.child.kill('SIGTERM');
  assert.equal(await survivor.exited, 0);
});
