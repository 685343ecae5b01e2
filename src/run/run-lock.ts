/**
 * runs/<id>/run.lock: written by the process that searches the run, so that others can tell a
 * live run from one that was killed, and so that a second `nes search --resume` of a live run is
 * refused instead of training into the same folder. The file holds the owner (pid, host, start
 * time); its mtime is a heartbeat, refreshed every HEARTBEAT_MS while the owner lives. A lock is
 * stale, and the run interrupted, when its heartbeat is older than STALE_AFTER_MS or, on the
 * owner's own host, when its process is gone (a SIGKILL leaves the file behind; the pid says so at
 * once). A normal exit, an error and Ctrl-C remove the file.
 */
import { linkSync, readFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { NesInputError } from '../util/errors.js';
import { processExists } from './leftovers.js';

export const LOCK_FILE = 'run.lock';
export const HEARTBEAT_MS = 5_000;
/** Generous against a coordinator whose event loop is busy for a while (selection of a large pool). */
export const STALE_AFTER_MS = 60_000;

export interface LockOwner {
  pid: number;
  hostname: string;
  /** ISO time the lock was taken. */
  startedAt: string;
}

export interface LockState {
  /** Undefined when the file cannot be read as a lock (then it is never live). */
  owner?: LockOwner;
  /** Seconds since the last heartbeat (the file's mtime). */
  heartbeatAgeSeconds: number;
  live: boolean;
  /** Why it is live or stale, in words. */
  reason: string;
}

export class RunLockedError extends NesInputError {
  override name = 'RunLockedError';
}

export function lockPath(runDir: string): string {
  return join(runDir, LOCK_FILE);
}

/** The run's lock and whether its owner is alive; undefined when there is none. */
export function readRunLock(runDir: string, now = Date.now()): LockState | undefined {
  const path = lockPath(runDir);
  let mtime: number;
  let text: string;
  try {
    mtime = statSync(path).mtimeMs;
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const heartbeatAgeSeconds = Math.max(0, (now - mtime) / 1000);
  const owner = parseOwner(text);
  if (!owner) return { heartbeatAgeSeconds, live: false, reason: `${path} is not a lock file nes wrote` };
  const by = `pid ${owner.pid} on ${owner.hostname}`;
  if (heartbeatAgeSeconds * 1000 > STALE_AFTER_MS) {
    return { owner, heartbeatAgeSeconds, live: false, reason: `${by}: no heartbeat for ${Math.round(heartbeatAgeSeconds)} s` };
  }
  if (owner.hostname === hostname() && !processExists(owner.pid)) {
    return { owner, heartbeatAgeSeconds, live: false, reason: `${by}: that process no longer exists` };
  }
  return { owner, heartbeatAgeSeconds, live: true, reason: `${by}, heartbeat ${Math.round(heartbeatAgeSeconds)} s ago` };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    return typeof value.pid === 'number' && typeof value.hostname === 'string' && typeof value.startedAt === 'string'
      ? { pid: value.pid, hostname: value.hostname, startedAt: value.startedAt }
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Refuses at once, before anything is loaded, a run that a live process holds; acquireRunLock
 * checks again when it takes the lock (this is only the early, friendly answer).
 */
export function refuseIfLive(runDir: string): void {
  const state = readRunLock(runDir);
  if (state?.live) throw lockedError(runDir, state);
}

function lockedError(runDir: string, state: LockState): RunLockedError {
  const { pid, hostname: host, startedAt } = state.owner!;
  return new RunLockedError(
    `${runDir} is being searched right now by pid ${pid} on ${host} (since ${startedAt}, heartbeat ${Math.round(state.heartbeatAgeSeconds)} s ago, ${lockPath(runDir)}); wait for it to finish or stop that process first`,
  );
}

export interface RunLock {
  readonly owner: LockOwner;
  /** Stops the heartbeat and removes the file (if it is still this process's). Safe to call twice. */
  release(): void;
}

/**
 * Takes the run's lock, or throws RunLockedError when a live process holds it; a stale lock is
 * taken over. The file appears complete or not at all (written aside, then hard-linked into place,
 * which fails when a lock exists), so two processes starting together cannot both win.
 */
export function acquireRunLock(runDir: string): RunLock {
  const path = lockPath(runDir);
  const owner: LockOwner = { pid: process.pid, hostname: hostname(), startedAt: new Date().toISOString() };
  const aside = join(runDir, `.${LOCK_FILE}.${process.pid}.0.tmp`);
  writeFileAtomic(aside, JSON.stringify(owner) + '\n');
  try {
    if (!tryLink(aside, path)) {
      const state = readRunLock(runDir);
      if (state?.live) throw lockedError(runDir, state);
      // Stale: its owner is gone. Another process may take it over at the same moment; one link wins.
      rmSync(path, { force: true });
      if (!tryLink(aside, path)) throw new RunLockedError(`${runDir}: another process took the run's lock (${path}) just now; see nes runs`);
    }
  } finally {
    rmSync(aside, { force: true });
  }

  const heartbeat = setInterval(() => {
    try {
      const now = new Date();
      utimesSync(path, now, now);
    } catch {
      // Removed under us (someone deleted the run folder): nothing left to keep alive.
    }
  }, HEARTBEAT_MS);
  heartbeat.unref();
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    clearInterval(heartbeat);
    process.off('exit', release);
    // Only our own lock: a stale-lock takeover by another process must not be undone.
    try {
      const current = parseOwner(readFileSync(path, 'utf8'));
      if (current && current.pid === owner.pid && current.hostname === owner.hostname && current.startedAt === owner.startedAt) rmSync(path, { force: true });
    } catch {
      // Already gone.
    }
  };
  // process.exit() (the Ctrl-C handler) skips finally blocks but runs 'exit' listeners.
  process.on('exit', release);
  return { owner, release };
}

function tryLink(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}
