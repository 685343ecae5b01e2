import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic-write.js';
import { NesInputError } from '../util/errors.js';
import { resultsProblems } from './results-schema.js';
import type { SearchResults } from './results-types.js';
import type { RunFolder } from './run-folder.js';

/** A results.json that is missing (the run has not finished), unreadable or of another shape. */
export class ResultsFileError extends NesInputError {
  override name = 'ResultsFileError';
}

/** Writes runs/<id>/results.json, atomically: it appears complete or not at all. */
export function writeResults(run: RunFolder, results: SearchResults): void {
  writeFileAtomic(run.resultsPath, JSON.stringify(results, null, 2) + '\n');
}

/** runs/<id>/results.json, or a clear error when the run has not finished or the folder is not a run. */
export function readResults(runDir: string): SearchResults {
  const path = join(runDir, 'results.json');
  if (!existsSync(path)) {
    const hint = existsSync(join(runDir, 'journal.jsonl'))
      ? 'the run has not finished (no results.json yet)'
      : 'this is not a nes run folder';
    throw new ResultsFileError(`${path} not found: ${hint}`);
  }
  let results: unknown;
  try {
    results = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ResultsFileError(`${path} is not valid JSON (${(error as Error).message})`);
  }
  const problems = resultsProblems(results);
  if (problems.length > 0) throw new ResultsFileError(`${path} is not a nes results file: ${problems.join('; ')}`);
  return results as SearchResults;
}
