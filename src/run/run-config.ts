import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { NesConfig } from './config.js';
import { RunFolderError, type RunFolder } from './run-folder.js';

/**
 * A run's config.json as it was stored (resolved, every default filled in, by the version that
 * wrote it: readers take what they need and keep their defaults for what an older run lacks), or
 * undefined when the folder has none. A file that is not JSON is refused in one line.
 */
export function readRunConfig(run: RunFolder): Partial<NesConfig> | undefined {
  if (!existsSync(run.configPath)) return undefined;
  try {
    return JSON.parse(readFileSync(run.configPath, 'utf8')) as Partial<NesConfig>;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new RunFolderError(`${run.configPath} is not valid JSON (${error.message}); the run folder is damaged`);
  }
}

/** readRunConfig for readers that need the whole resolved config (an unfinished run's evaluation). */
export function readStoredRunConfig(run: RunFolder): NesConfig {
  const config = readRunConfig(run);
  if (config === undefined) throw new RunFolderError(`${run.configPath} not found: ${run.dir} is not a run folder`);
  return config as NesConfig;
}

/**
 * Records a grown budget in the run's config.json (the rest as stored), so that the stored config
 * and the run agree: a later resume without --budget goes on with the new one.
 */
export function writeRunBudget(run: RunFolder, budget: number): void {
  const stored = JSON.parse(readFileSync(run.configPath, 'utf8')) as Record<string, unknown>;
  writeFileAtomic(run.configPath, JSON.stringify({ ...stored, budget }, null, 2) + '\n');
}
