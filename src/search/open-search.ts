import { searchedSeconds } from '../run/run-status.js';
import type { DatasetSplits } from '../data/types.js';
import type { NesConfig } from '../run/config.js';
import { Journal, type JournalEvent } from '../run/journal.js';
import { JournalError, readJournal } from '../run/journal-reader.js';
import { removeStaleTemporaries } from '../run/leftovers.js';
import { createRun, type RunFolder } from '../run/run-folder.js';
import { readRunLabels, writeRunLabels } from '../run/run-labels.js';
import { readRunConfig } from '../run/run-config.js';
import { NesInputError } from '../util/errors.js';
import type { MacroConfig, SearchSpace } from '../space/types.js';
import type { RunLabels } from './evaluate-pool.js';
import { storedRunConfig } from './stored-config.js';

/** A run folder ready for training: created, or reopened with the journal of what it did before. */
export interface OpenedSearch {
  run: RunFolder;
  journal: Journal;
  /** On resume: every journaled event before the stop. Undefined for a new run. */
  history?: JournalEvent[];
  labels: RunLabels;
  /** The macro settings the networks are built with (resolved for the space and data set). */
  macro: MacroConfig;
  /** On resume with a larger budget than config.json's: the change, applied when training starts. */
  budgetChange?: { from: number; to: number };
}

/** A resume asked for fewer networks than the run already has budgeted. */
export class BudgetShrinkError extends NesInputError {
  override name = 'BudgetShrinkError';
}

/**
 * Step one of a search: creates the run folder (config.json, empty journal), or reopens `resume`
 * and reads its journal (a half-written last line is cut off first). keepLabels finishes it.
 */
export function openSearch(options: {
  config: NesConfig;
  space: SearchSpace;
  dataset: DatasetSplits;
  runsDir: string;
  runId?: string;
  resume?: RunFolder;
  /** Called once the run folder exists, before its journal is read. */
  onRunOpened?: (run: RunFolder) => void;
}): OpenedSearch {
  const { dataset, resume } = options;
  const stored = storedRunConfig(options.config, options.space);
  const run = resume ?? createRun(options.runsDir, stored, options.runId);
  // Temporary files of writes a kill cut short (their writer is gone) would stay forever.
  if (resume) removeStaleTemporaries(run.dir);
  options.onRunOpened?.(run);
  const history = resume ? readJournal(run.journalPath, { repair: true }) : undefined;
  const budgetChange = resume ? checkBudget(run, options.config.budget) : undefined;
  const journal = new Journal(run.journalPath);
  const labels: RunLabels = { validation: dataset.validation.labels, test: dataset.test.labels, numClasses: dataset.numClasses };
  return { run, journal, history, labels, macro: stored.macro as MacroConfig, budgetChange };
}

/** A resume may grow the budget stored in config.json, never shrink it (trained networks stay). */
function checkBudget(run: RunFolder, budget: number): { from: number; to: number } | undefined {
  const from = readRunConfig(run)?.budget;
  if (from === undefined || from === budget) return undefined;
  if (budget < from) {
    throw new BudgetShrinkError(
      `--budget ${budget}: run ${run.id} already has a budget of ${from} networks per method and a study cannot shrink; resume with --budget ${from} or more (or without --budget)`,
    );
  }
  return { from, to: budget };
}

/**
 * Seconds the run had already spent before this resume: each part lasts from its run-started or
 * run-resumed event to the last event written before the next part began.
 */
export function earlierSeconds(history: JournalEvent[]): number {
  return searchedSeconds(history);
}

/**
 * Stores the true labels with the run, or on resume checks that the data loaded now has the labels
 * the run started with (a run that crashed before writing its labels writes them on resume).
 */
export function keepLabels({ run, history, labels }: OpenedSearch): void {
  const stored = history && readRunLabels(run, 'test', labels.numClasses) !== undefined;
  if (!stored) return writeRunLabels(run, labels);
  for (const split of ['validation', 'test'] as const) {
    const before = readRunLabels(run, split, labels.numClasses);
    const same = before !== undefined && before.length === labels[split].length && before.every((label, i) => label === labels[split][i]);
    if (!same) {
      throw new JournalError(`${run.labelsPath(split)}: the ${split} labels differ from the data loaded now; resume with the data the run started with (config.json, dataset)`);
    }
  }
}
