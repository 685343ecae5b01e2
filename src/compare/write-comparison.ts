import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { writeFileAtomic } from '../util/atomic-write.js';
import { compareRuns, type Comparison } from './aggregate.js';
import { comparisonPage } from './page.js';
import { loadComparedRuns } from './runs.js';

export interface WrittenComparison {
  comparison: Comparison;
  jsonPath: string;
  htmlPath: string;
}

/** Compares the given runs (or folders of runs) and writes compare.json and compare.html into outDir. */
export async function writeComparison(paths: string[], outDir: string): Promise<WrittenComparison> {
  const comparison = compareRuns(loadComparedRuns(paths));
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const jsonPath = join(dir, 'compare.json');
  const htmlPath = join(dir, 'compare.html');
  writeFileAtomic(jsonPath, JSON.stringify(comparison, null, 2) + '\n');
  writeFileAtomic(htmlPath, await comparisonPage(comparison));
  return { comparison, jsonPath, htmlPath };
}
