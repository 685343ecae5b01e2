import { existsSync, readFileSync } from 'node:fs';
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
