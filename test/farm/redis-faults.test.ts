/**
 * Redis faults end to end (issue 19, items 2, 4, 5): a redis-server of the test's own that is
 * restarted without persistence mid-run, stopped for good, and a coordinator whose disk fills up.
 * `nes search` and `nes worker` run as a user runs them. Skipped without redis-server.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startOwnRedis } from '../fixtures/redis-server.js';
import { workerSpawner } from '../fixtures/spawn-worker.js';
import { runCli } from '../helpers/cli.js';
import { TINY_SEARCH } from '../helpers/tiny-search.js';
import { isEngineName } from '../../src/util/engine-names.js';

const ENGINE = [process.env['NES_TEST_ENGINE'] ?? 'wasm'].find(isEngineName) ?? 'wasm';
const BUDGET = 2;
const children: ChildProcess[] = [];
const spawnWorker = workerSpawner(children);

after(() => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

type JournalLine = { event: string; trialId?: number; attempt?: number; reason?: string };

function journalOf(runDir: string): JournalLine[] {
  return readFileSync(join(runDir, 'journal.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as JournalLine);
}

function tinyConfig(dir: string, budget = BUDGET): string {
  const path = join(dir, 'tiny.json');
  writeFileSync(path, JSON.stringify({ ...TINY_SEARCH, budget, execution: { workers: 2, engine: ENGINE, maxAttempts: 2 } }));
  return path;
}

function assertEveryTrialFinishedOnce(runDir: string, budget = BUDGET): void {
  const results = JSON.parse(readFileSync(join(runDir, 'results.json'), 'utf8'));
  assert.equal(results.methods.rs.pool.length, budget);
  assert.equal(results.methods.rs.failed.length, 0);
  const finished = journalOf(runDir).filter((e) => e.event === 'finished').map((e) => e.trialId);
  assert.deepEqual(finished.sort(), [...Array(budget).keys()], 'each trial journaled as finished exactly once');
}

test('Redis restarted without persistence mid-run: the lost job is queued again, journaled, and the search completes', async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const dir = mkdtempSync(join(tmpdir(), 'nes-redis-restart-'));
  try {
    // The worker holds its first job long enough for Redis to restart under it.
    const worker = spawnWorker(['--redis', redis.url], { NES_TEST_HOLD_FIRST_JOB_MS: '4000' });
    await worker.waitFor(/waiting for runs/);
    const search = runCli(['search', '--config', tinyConfig(dir), '--runs-dir', join(dir, 'runs'), '--run-id', 'r', '--redis', redis.url, '--quiet']);
    await worker.waitFor(/test: holding (rs-\d+)/);
    const lost = Number(/test: holding rs-(\d+)/.exec(worker.output())![1]);
    await redis.restart();
    const done = await search;
    assert.equal(done.code, 0, done.stderr);
    const runDir = join(dir, 'runs', 'r');
    assertEveryTrialFinishedOnce(runDir);
    const events = journalOf(runDir).filter((e) => e.trialId === lost);
    const requeued = events.find((e) => e.event === 'requeued');
    assert.ok(requeued, `the lost job is journaled: ${JSON.stringify(events)}`);
    assert.match(requeued.reason!, /vanished from Redis/);
    assert.deepEqual(events.filter((e) => e.event === 'started').map((e) => e.attempt), [1, 2]);
    // One line each way, not one per retry.
    assert.equal(done.stderr.match(/lost the connection to Redis/g)?.length, 1, done.stderr);
    assert.match(done.stderr, /Redis at redis:\/\/127\.0\.0\.1:\d+ answers again/);
    assert.doesNotMatch(done.stderr, /Warning/);
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exited, 0, worker.output());
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Redis gone for good: coordinator and worker stop with one line each (exit 2); the resume finishes once Redis is back', async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const dir = mkdtempSync(join(tmpdir(), 'nes-redis-gone-'));
  const runDir = join(dir, 'runs', 'r');
  try {
    const worker = spawnWorker(['--redis', redis.url, '--run', 'r', '--redis-timeout', '2']);
    await worker.waitFor(/serving nes-r/);
    const search = runCli(['search', '--config', tinyConfig(dir), '--runs-dir', join(dir, 'runs'), '--run-id', 'r', '--redis', redis.url, '--redis-timeout', '2', '--quiet']);
    // Gone while the first job trains (rebuilding the data alone takes seconds).
    await worker.waitFor(/taken/);
    await redis.crash();

    const stopped = await search;
    assert.equal(stopped.code, 2, stopped.stderr);
    const address = redis.url.replace(/[.]/g, '\\.');
    assert.match(
      stopped.stderr,
      new RegExp(
        `^nes: lost the connection to Redis at ${address} \\(.*\\); waiting up to 2 s for it to come back\\n` +
          `nes: lost Redis at ${address}: no answer for 2 s \\(connect ECONNREFUSED .*\\); the search stopped and nothing finished is lost: ` +
          `once Redis is back, go on with: nes search --resume ${runDir} \\(.*\\)\\n$`,
      ),
    );
    assert.deepEqual(journalOf(runDir).filter((e) => e.event === 'failed' || e.event === 'finished'), [], 'nothing recorded as failed');
    assert.equal(await worker.exited, 2, worker.output());
    assert.match(worker.output(), new RegExp(`nes: lost Redis at ${address}: no answer for 2 s \\(.*\\); nes worker stopped`));

    await redis.restart();
    const fresh = spawnWorker(['--redis', redis.url]);
    const resumed = await runCli(['search', '--resume', runDir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertEveryTrialFinishedOnce(runDir);
    fresh.child.kill('SIGTERM');
    await fresh.exited;
  } finally {
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

const mount = (...args: string[]) => spawnSync('mount', args, { encoding: 'utf8' });

test("a full disk on the coordinator (a real tmpfs) stops the search with the resume command; the resume finishes every trial", async (t) => {
  const redis = await startOwnRedis();
  if ('skip' in redis) return t.skip(redis.skip);
  const dir = mkdtempSync(join(tmpdir(), 'nes-redis-full-'));
  const runsDir = join(dir, 'runs');
  spawnSync('mkdir', ['-p', runsDir]);
  const mounted = mount('-t', 'tmpfs', '-o', 'size=600k', 'tmpfs', runsDir);
  try {
    if (mounted.status !== 0) return t.skip(`cannot mount a tmpfs here (${mounted.stderr.trim() || mounted.status})`);
    const worker = spawnWorker(['--redis', redis.url, '--concurrency', '2']);
    // Three members overflow 600 KiB (as in test/cli/full-disk.test.ts).
    const full = await runCli(['search', '--config', tinyConfig(dir, 3), '--runs-dir', runsDir, '--run-id', 'r', '--redis', redis.url, '--quiet']);
    const runDir = join(runsDir, 'r');
    assert.equal(full.code, 2, full.stderr);
    assert.match(full.stderr, new RegExp(`^nes: cannot write ${runDir}/members/rs/\\d{4}: no space left on the device \\(ENOSPC\\); .* go on with: nes search --resume ${runDir}\\n$`));
    assert.doesNotMatch(readFileSync(join(runDir, 'journal.jsonl'), 'utf8'), /"event":"failed"/);

    assert.equal(mount('-o', 'remount,size=20m', runsDir).status, 0);
    const resumed = await runCli(['search', '--resume', runDir, '--quiet']);
    assert.equal(resumed.code, 0, resumed.stderr);
    assertEveryTrialFinishedOnce(runDir, 3);
    worker.child.kill('SIGTERM');
    await worker.exited;
  } finally {
    if (mounted.status === 0) spawnSync('umount', [runsDir]);
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
