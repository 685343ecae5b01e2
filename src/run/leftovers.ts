/**
 * What a killed process can leave behind: a run folder being created (`.<id>.creating-<pid>-…`,
 * renamed into place when complete) and temporary files of atomic writes (`.<name>.<pid>.<n>.tmp`).
 * Both carry the writer's pid; a leftover is provably stale when that process no longer exists
 * (issue 19, item 13). A pid that was reused only keeps a leftover longer, never removes a live one.
 */
import { readdirSync, rmSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { parseTemporaryName } from '../util/atomic-write.js';

const CREATING = /^\..+\.creating-(\d+)-/;

export function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function entriesOf(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

const stale = (pid: number | undefined) => pid !== undefined && !processExists(pid);

/** Removes run folders whose creation was cut short in `runsDir`; returns their names. */
export function removeStaleCreations(runsDir: string): string[] {
  const names = entriesOf(runsDir)
    .map((entry) => entry.name)
    .filter((name) => {
      const pid = CREATING.exec(name)?.[1];
      return stale(pid === undefined ? undefined : Number(pid));
    });
  for (const name of names) rmSync(join(runsDir, name), { recursive: true, force: true });
  return names;
}

/** Removes stale temporary files anywhere in a run folder; returns their paths. */
export function removeStaleTemporaries(runDir: string): string[] {
  const removed: string[] = [];
  const walk = (dir: string) => {
    for (const entry of entriesOf(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (stale(parseTemporaryName(entry.name)?.pid)) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    }
  };
  walk(runDir);
  return removed;
}
