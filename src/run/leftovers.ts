/**
 * What a killed process can leave behind: a run folder being created (`.<id>.creating-<pid>-…`,
 * renamed into place when complete) and temporary files of atomic writes (`.<name>.<pid>.<n>.tmp`).
 * Both carry the writer's pid; a leftover is provably stale when that process no longer exists
 * (issue 19, item 13). A pid that was reused only keeps a leftover longer, never removes a live one.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const CREATING = /^\..+\.creating-(\d+)-/;
const TEMPORARY = /^\..+\.(\d+)\.\d+\.tmp$/;

function processExists(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function staleEntries(dir: string, pattern: RegExp): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names.filter((name) => {
    const pid = pattern.exec(name)?.[1];
    return pid !== undefined && !processExists(Number(pid));
  });
}

/** Removes run folders whose creation was cut short in `runsDir`; returns their names. */
export function removeStaleCreations(runsDir: string): string[] {
  const stale = staleEntries(runsDir, CREATING);
  for (const name of stale) rmSync(join(runsDir, name), { recursive: true, force: true });
  return stale;
}

/** Removes stale temporary files anywhere in a run folder; returns their paths. */
export function removeStaleTemporaries(runDir: string): string[] {
  const removed: string[] = [];
  const walk = (dir: string) => {
    for (const name of staleEntries(dir, TEMPORARY)) {
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    }
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) if (entry.isDirectory()) walk(join(dir, entry.name));
  };
  walk(runDir);
  return removed;
}
