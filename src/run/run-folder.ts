import { existsSync, mkdirSync, mkdtempSync, realpathSync, renameSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { writeFileAtomic } from '../util/atomic-write.js';
import { removeStaleCreations } from './leftovers.js';
import type { NesConfig } from './config.js';
import { NesInputError } from '../util/errors.js';

/**
 * Layout of runs/<id>/, and the run/ module that reads and writes each part (no other stage
 * builds these paths):
 *   config.json            the resolved config (every default filled in): createRun, run-config.ts
 *   journal.jsonl          append-only event log: journal.ts, journal-reader.ts
 *   labels/validation.npy, labels/test.npy   the true labels: run-labels.ts
 *   members/<method>/<trial>/   one trained member: member-files.ts (model.json, weights.bin,
 *                          member.json, validation.npy, test.npy, <split>-severity-<s>.npy)
 *   results.json           pool, chosen ensembles and their metrics: results-file.ts (types in
 *                          results-types.ts)
 *   report.html            written by report/
 */
export interface RunFolder {
  id: string;
  dir: string;
  configPath: string;
  journalPath: string;
  resultsPath: string;
  memberDir(method: string, trialId: number): string;
  labelsPath(split: 'validation' | 'test'): string;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export class RunFolderError extends NesInputError {
  override name = 'RunFolderError';
}

/** A fresh run id: UTC time to the second plus a short random suffix, e.g. 20261128-011502-a3f9. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

/** Resolves runs/<id> and refuses ids that could leave the runs folder. */
export function runFolder(runsDir: string, id: string): RunFolder {
  if (!RUN_ID.test(id) || id.includes('..')) {
    throw new RunFolderError(
      `run id "${id}" is not allowed; use letters, digits, '.', '_' and '-' only (no path separators, no "..")`,
    );
  }
  const root = resolve(runsDir);
  const dir = join(root, id);
  const inside = existsSync(dir) ? relative(realpathSync(root), realpathSync(dir)) : id;
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new RunFolderError(`run folder ${dir} resolves outside ${root} (a symlink?); refusing to use it`);
  }
  return {
    id,
    dir,
    configPath: join(dir, 'config.json'),
    journalPath: join(dir, 'journal.jsonl'),
    resultsPath: join(dir, 'results.json'),
    memberDir: (method, trialId) => join(dir, 'members', method, String(trialId).padStart(4, '0')),
    labelsPath: (split) => join(dir, 'labels', `${split}.npy`),
  };
}

/**
 * Creates a new run folder holding the resolved config and an empty journal. It is built under a
 * temporary name and renamed into place, so a crash leaves either no run or a resumable one.
 */
export function createRun(runsDir: string, config: NesConfig, id = newRunId()): RunFolder {
  const run = runFolder(runsDir, id);
  if (existsSync(run.dir)) throw new RunFolderError(`run folder ${run.dir} already exists; choose another --run-id`);
  mkdirSync(dirname(run.dir), { recursive: true });
  removeStaleCreations(dirname(run.dir));
  // The pid in the name tells a later start whether this staging folder is stale (leftovers.ts).
  const staging = mkdtempSync(join(dirname(run.dir), `.${id}.creating-${process.pid}-`));
  mkdirSync(join(staging, 'members'));
  writeFileAtomic(join(staging, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  writeFileAtomic(join(staging, 'journal.jsonl'), '');
  renameSync(staging, run.dir);
  return run;
}

/** An existing run, named by its folder path (runs/<id>); refuses anything that is not a nes run. */
export function openRun(path: string): RunFolder {
  const dir = resolve(path);
  const run = runFolder(dirname(dir), basename(dir));
  if (!existsSync(run.dir)) throw new RunFolderError(`${path}: no such run folder`);
  for (const file of [run.configPath, run.journalPath]) {
    if (!existsSync(file)) throw new RunFolderError(`${path}: not a nes run folder (no ${basename(file)})`);
  }
  return run;
}


/**
 * A run named the way a user names it: its folder (runs/<id>, an absolute path, ./<id>) or a bare
 * id, looked up in runsDir. A bare id that is also a run folder in the current directory is taken
 * from runsDir first, as a run id always was.
 */
export function findRun(ref: string, runsDir = 'runs'): RunFolder {
  const looksLikePath = ref.includes('/') || ref.includes(sep) || ref === '.' || ref === '..';
  if (looksLikePath) return openRun(ref);
  const inRunsDir = runFolder(runsDir, ref);
  if (existsSync(inRunsDir.dir)) return openRun(inRunsDir.dir);
  if (existsSync(join(resolve(ref), 'journal.jsonl'))) return openRun(ref);
  throw new RunFolderError(`no run "${ref}" in ${resolve(runsDir)}; give its folder (e.g. runs/${ref}) or --runs-dir`);
}
