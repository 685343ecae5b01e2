import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { acquireRunLock, lockPath, readRunLock, refuseIfLive, RunLockedError, STALE_AFTER_MS } from '../../src/run/run-lock.js';
import { NesInputError } from '../../src/util/errors.js';

const runDir = () => mkdtempSync(join(tmpdir(), 'nes-lock-'));

/** The pid of a process that has exited: a lock it left is provably stale on this host. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  assert.equal(child.status, 0);
  return child.pid!;
}

test('the lock names its owner, is live while held, refuses a second taker, and is gone once released', () => {
  const dir = runDir();
  const lock = acquireRunLock(dir);
  const written = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
  assert.deepEqual(written, { pid: process.pid, hostname: hostname(), startedAt: lock.owner.startedAt });
  const state = readRunLock(dir)!;
  assert.equal(state.live, true);
  assert.match(state.reason, new RegExp(`^pid ${process.pid} on ${hostname()}, heartbeat \\d+ s ago$`));
  assert.throws(
    () => acquireRunLock(dir),
    (error: Error) => error instanceof RunLockedError && error instanceof NesInputError && new RegExp(`is being searched right now by pid ${process.pid} on `).test(error.message) && !error.message.includes('\n'),
  );
  assert.throws(() => refuseIfLive(dir), RunLockedError);
  lock.release();
  lock.release();
  assert.equal(existsSync(lockPath(dir)), false);
  assert.equal(readRunLock(dir), undefined);
  refuseIfLive(dir);
});

test('a lock left by a process that died (SIGKILL) is stale on its host and is taken over', () => {
  const dir = runDir();
  const pid = deadPid();
  writeFileSync(lockPath(dir), JSON.stringify({ pid, hostname: hostname(), startedAt: '2026-01-01T00:00:00.000Z' }));
  const state = readRunLock(dir)!;
  assert.equal(state.live, false);
  assert.equal(state.reason, `pid ${pid} on ${hostname()}: that process no longer exists`);
  const lock = acquireRunLock(dir);
  assert.equal(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid, process.pid);
  lock.release();
});

test("another host's lock is judged by its heartbeat alone", () => {
  const dir = runDir();
  writeFileSync(lockPath(dir), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', startedAt: '2026-01-01T00:00:00.000Z' }));
  assert.equal(readRunLock(dir)!.live, true);
  assert.throws(() => acquireRunLock(dir), /pid 1 on elsewhere\.example/);
  const old = new Date(Date.now() - STALE_AFTER_MS - 5_000);
  utimesSync(lockPath(dir), old, old);
  const stale = readRunLock(dir)!;
  assert.equal(stale.live, false);
  assert.match(stale.reason, /^pid 1 on elsewhere\.example: no heartbeat for \d+ s$/);
  // Not ours: releasing our takeover leaves nobody's lock behind, and a foreign one is never removed by release.
  const lock = acquireRunLock(dir);
  writeFileSync(lockPath(dir), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', startedAt: '2026-01-02T00:00:00.000Z' }));
  lock.release();
  assert.equal(JSON.parse(readFileSync(lockPath(dir), 'utf8')).hostname, 'elsewhere.example');
});

test('a file that is not a lock is never live', () => {
  const dir = runDir();
  writeFileSync(lockPath(dir), 'not json');
  const state = readRunLock(dir)!;
  assert.equal(state.live, false);
  assert.match(state.reason, /is not a lock file nes wrote/);
});
