/**
 * What state a run folder is in, read from its files only: the journal (what was trained), the
 * lock (whether a process is searching it now; run-lock.ts) and results.json (whether it finished).
 * `nes runs` lists these; the partial report and the leaderboard say how far a run got.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { Method, NesConfig } from './config.js';
import type { JournalEvent } from './journal.js';
import { readJournal } from './journal-reader.js';
import { plannedNetworks } from './method-rules.js';
import { readStoredRunConfig } from './run-config.js';
import { runFolder, type RunFolder } from './run-folder.js';
import { runCompletion } from './run-completion.js';
import { readRunLock, type LockState } from './run-lock.js';

/**
 * - finished: results.json is written, and the journal's run-finished line ends the last part of the search;
 * - time-limited: finished, but its time limit stopped the trainings short of the budget: it has
 *   results, and \`nes search --resume\` goes on training (run-completion.ts);
 * - running: not finished, and a live process holds the run's lock;
 * - interrupted: neither (killed, crashed, stopped with Ctrl-C): `nes search --resume` goes on;
 * - unreadable: its config or journal cannot be read (the detail says why).
 */
export type RunState = 'running' | 'finished' | 'time-limited' | 'interrupted' | 'unreadable';

/** The states in which results.json holds the run's results (all of them, or all up to its time limit). */
export function hasResults(state: RunState): boolean {
  return state === 'finished' || state === 'time-limited';
}

export interface MethodProgress {
  method: string;
  /** Networks trained (journaled as finished). */
  trained: number;
  failed: number;
  /** Networks the method trains in all (its budget; max(M) for deepens and deepens-rs). */
  planned: number;
}

export interface RunStatus {
  /** The run's folder relative to the folder listed (its id for runs directly in it). */
  id: string;
  dir: string;
  state: RunState;
  /** Why: the lock's owner and heartbeat, or what could not be read. */
  detail: string;
  methods: string[];
  progress: MethodProgress[];
  trained: number;
  failed: number;
  planned: number;
  /** Finished runs: the ensemble nes export would pick (best validation NLL at severity 0). */
  best?: { method: string; size: number; validationNll: number; testNll: number };
  /** The first run-started event. */
  startedAt?: string;
  /** Seconds searched, pauses between a kill and its resume left out; up to now while running. */
  seconds?: number;
  lock?: LockState;
}

const isRunFolder = (dir: string) => existsSync(join(dir, 'journal.jsonl')) && existsSync(join(dir, 'config.json'));

/**
 * Every run folder under `dir`: its own subfolders and, for folders that are not runs (those of
 * `nes experiment`, runs/<name>/seed-<S>), theirs, down to `depth` levels. Sorted by path.
 */
export function findRunFolders(dir: string, depth = 3): string[] {
  const root = resolve(dir);
  if (isRunFolder(root)) return [root];
  const found: string[] = [];
  const walk = (folder: string, level: number) => {
    let entries;
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (isRunFolder(path)) found.push(path);
      else if (level < depth) walk(path, level + 1);
    }
  };
  walk(root, 1);
  return found;
}

/** The status of every run under `dir` (see findRunFolders). */
export function listRuns(dir: string, now = Date.now()): RunStatus[] {
  const root = resolve(dir);
  return findRunFolders(root).map((runDir) => readRunStatus(runDir, relative(root, runDir) || runDir.split(/[\\/]/).at(-1)!, now));
}

export function readRunStatus(runDir: string, id: string, now = Date.now()): RunStatus {
  const base = { id, dir: runDir, methods: [] as string[], progress: [] as MethodProgress[], trained: 0, failed: 0, planned: 0 };
  let config: NesConfig;
  let events: JournalEvent[];
  let run: RunFolder;
  try {
    run = runFolder(dirname(runDir), basename(runDir));
    config = readStoredRunConfig(run);
    events = readJournal(run.journalPath);
  } catch (error) {
    return { ...base, state: 'unreadable', detail: (error as Error).message.split('\n')[0]! };
  }
  const lock = readRunLock(runDir, now);
  const resultsPath = run.resultsPath;
  const state: RunState = isFinished(events, resultsPath)
    ? runCompletion(events).timeLimited
      ? 'time-limited'
      : 'finished'
    : lock?.live
      ? 'running'
      : 'interrupted';
  const progress = config.methods.map((method) => ({
    method,
    trained: events.filter((e) => e.event === 'finished' && e.method === method).length,
    failed: events.filter((e) => e.event === 'failed' && e.method === method).length,
    planned: plannedNetworks(method, config),
  }));
  const results = hasResults(state) ? readResultsSummary(resultsPath) : undefined;
  const detail =
    state === 'running'
      ? lock!.reason
      : state === 'finished'
        ? 'results.json written'
        : state === 'time-limited'
          ? 'results.json written; its time limit stopped it short of the budget: nes search --resume goes on'
        : lock
          ? `stale lock: ${lock.reason}`
          : 'no results.json, and no process holds its lock';
  return {
    ...base,
    state,
    detail,
    methods: config.methods,
    progress,
    trained: sum(progress.map((p) => p.trained)),
    failed: sum(progress.map((p) => p.failed)),
    planned: sum(progress.map((p) => p.planned)),
    ...(results?.best ? { best: results.best } : {}),
    ...(events.find((e) => e.event === 'run-started') ? { startedAt: events.find((e) => e.event === 'run-started')!.time } : {}),
    seconds: results?.seconds ?? searchedSeconds(events, state === 'running' ? now : undefined),
    ...(lock ? { lock } : {}),
  };
}

/**
 * Seconds of search in a journal: each part lasts from its run-started or run-resumed event to the
 * last event before the next part (or to `until`, the present, for the part still running). The
 * measure results.json's `seconds` uses (search/open-search.ts earlierSeconds).
 */
export function searchedSeconds(events: JournalEvent[], until?: number): number {
  let total = 0;
  let partStart: number | undefined;
  let last: number | undefined;
  for (const event of events) {
    const time = Date.parse(event.time);
    if (event.event === 'run-started' || event.event === 'run-resumed') {
      if (partStart !== undefined && last !== undefined) total += (last - partStart) / 1000;
      partStart = time;
    }
    last = time;
  }
  if (partStart !== undefined && last !== undefined) total += ((until ?? last) - partStart) / 1000;
  return total;
}

/**
 * results.json is written, and no part of the search began after the run-finished line that
 * followed it (a resume appends run-resumed: then the run is going on, or was interrupted again).
 * A results.json whose journal holds no part at all (built by other tools) counts as finished.
 */
function isFinished(events: JournalEvent[], resultsPath: string): boolean {
  const last = [...events].reverse().find((e) => e.event === 'run-started' || e.event === 'run-resumed' || e.event === 'run-finished');
  return (last === undefined || last.event === 'run-finished') && existsSync(resultsPath);
}

interface ResultsSummary {
  seconds?: number;
  best?: RunStatus['best'];
}

/** The little `nes runs` needs from results.json; a file it cannot read gives nothing rather than failing the list. */
function readResultsSummary(path: string): ResultsSummary | undefined {
  type Ensemble = { size: number; severity?: number; validation: { nll: number }; test: { nll: number } };
  try {
    const results = JSON.parse(readFileSync(path, 'utf8')) as { seconds?: number; methods?: Record<string, { ensembles?: Ensemble[] }> };
    let best: RunStatus['best'];
    for (const [method, entry] of Object.entries(results.methods ?? {})) {
      for (const e of entry.ensembles ?? []) {
        if ((e.severity ?? 0) !== 0) continue;
        if (!best || e.validation.nll < best.validationNll) best = { method, size: e.size, validationNll: e.validation.nll, testNll: e.test.nll };
      }
    }
    return { ...(typeof results.seconds === 'number' ? { seconds: results.seconds } : {}), ...(best ? { best } : {}) };
  } catch {
    return undefined;
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
