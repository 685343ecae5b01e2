import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import type { NesConfig } from './config.js';
import type { RunFolder } from './run-folder.js';

/**
 * A run's config.json as it was stored (resolved, every default filled in, by the version that
 * wrote it: readers take what they need and keep their defaults for what an older run lacks), or
 * undefined when the folder has none.
 */
export function readRunConfig(run: RunFolder): Partial<NesConfig> | undefined {
  return existsSync(run.configPath) ? (JSON.parse(readFileSync(run.configPath, 'utf8')) as Partial<NesConfig>) : undefined;
}

/**
 * Records a grown budget in the run's config.json (the rest as stored), so that the stored config
 * and the run agree: a later resume without --budget goes on with the new one.
 */
export function writeRunBudget(run: RunFolder, budget: number): void {
  const stored = JSON.parse(readFileSync(run.configPath, 'utf8')) as Record<string, unknown>;
  writeFileAtomic(run.configPath, JSON.stringify({ ...stored, budget }, null, 2) + '\n');
}
