/** Finds the runs `nes compare` was given and checks that they repeat one experiment. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readRunResults } from '../export/run-results.js';
import type { NesConfig } from '../run/config.js';
import type { SearchResults } from '../run/results-types.js';
import { CompareInputError } from './errors.js';

export interface ComparedRun {
  dir: string;
  results: SearchResults;
  config: NesConfig;
}

/**
 * Config keys that may differ between repeats: the seed is what repeats vary, and `execution`
 * (workers, engine, executor) changes where and how fast networks train, not the experiment.
 */
const FREE_KEYS = new Set(['seed', 'execution']);

const isRun = (dir: string) => existsSync(join(dir, 'journal.jsonl')) || existsSync(join(dir, 'results.json'));

/** Each path is a run folder or a folder whose subfolders are runs (sorted by name). */
export function findRunDirs(paths: string[]): string[] {
  if (paths.length === 0) throw new CompareInputError('nes compare needs at least one run folder or a folder of runs');
  const dirs: string[] = [];
  for (const path of paths.map((p) => resolve(p))) {
    if (!existsSync(path) || !statSync(path).isDirectory()) throw new CompareInputError(`${path}: no such folder`);
    if (isRun(path)) {
      dirs.push(path);
      continue;
    }
    const inside = readdirSync(path, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && isRun(join(path, entry.name)))
      .map((entry) => join(path, entry.name))
      .sort();
    if (inside.length === 0) throw new CompareInputError(`${path} is neither a nes run folder nor a folder of runs`);
    dirs.push(...inside);
  }
  return [...new Set(dirs)];
}

export function loadComparedRuns(paths: string[]): ComparedRun[] {
  const runs = findRunDirs(paths).map((dir) => {
    const configPath = join(dir, 'config.json');
    if (!existsSync(configPath)) throw new CompareInputError(`${configPath} not found: this is not a nes run folder`);
    return { dir, results: readRunResults(dir), config: JSON.parse(readFileSync(configPath, 'utf8')) as NesConfig };
  });
  checkRepeats(runs);
  return runs;
}

/** Refuses runs that differ in anything but the seed (and execution), and repeated seeds. */
export function checkRepeats(runs: ComparedRun[]): void {
  const [first, ...rest] = runs;
  if (!first) return;
  for (const run of rest) {
    const differences = experimentDifferences(first.config, run.config);
    if (differences.length > 0) {
      throw new CompareInputError(
        `${run.dir} is not a repeat of ${first.dir}: their configs differ in ${describeDifferences(differences)}; ` +
          'compare runs of one config that differ only in "seed" (nes experiment makes them)',
      );
    }
  }
  const bySeed = new Map<number, string>();
  for (const run of runs) {
    const other = bySeed.get(run.config.seed);
    if (other !== undefined) {
      throw new CompareInputError(`${other} and ${run.dir} both have seed ${run.config.seed}: repeats need different seeds`);
    }
    bySeed.set(run.config.seed, run.dir);
  }
}

/** Where two configs differ as experiments (seed and execution settings left out). */
export function experimentDifferences(a: NesConfig, b: NesConfig): Difference[] {
  return differingPaths(withoutFreeKeys(a), withoutFreeKeys(b));
}

/** "training.epochs (3 vs 5), budget (20 vs 40)", at most five of them. */
export function describeDifferences(differences: Difference[]): string {
  const shown = differences.slice(0, 5).map((d) => `${d.path} (${d.left} vs ${d.right})`).join(', ');
  return differences.length > 5 ? `${shown} and ${differences.length - 5} more` : shown;
}

function withoutFreeKeys(config: NesConfig): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([key]) => !FREE_KEYS.has(key)));
}

export interface Difference {
  path: string;
  left: string;
  right: string;
}

/** JSON paths (a.b[2].c) where two JSON values differ; a missing key counts as a difference. */
export function differingPaths(left: unknown, right: unknown, path = ''): Difference[] {
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;
  if (Array.isArray(left) && Array.isArray(right) && left.length === right.length) {
    return left.flatMap((value, i) => differingPaths(value, right[i], `${path}[${i}]`));
  }
  if (isObject(left) && isObject(right) && !Array.isArray(left) && !Array.isArray(right)) {
    const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
    return keys.flatMap((key) => differingPaths(left[key], right[key], path ? `${path}.${key}` : key));
  }
  const show = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));
  return JSON.stringify(left) === JSON.stringify(right) ? [] : [{ path: path || '(root)', left: show(left), right: show(right) }];
}
