import type { DatasetSplits } from '../data/types.js';
import type { NesConfig } from '../run/config.js';
import { writeResults } from '../run/results-file.js';
import { trialEpochs } from '../run/method-rules.js';
import type { RunFolder } from '../run/run-folder.js';
import type { EngineName } from '../util/engine-names.js';
import type { ConfigInputs } from './config-inputs.js';
import { evaluateMethods } from './evaluate-methods.js';
import { journalSink } from './journal-sink.js';
import { earlierSeconds, keepLabels, openSearch } from './open-search.js';
import type { SearchProgress } from './progress.js';
import { progressSink } from './progress-sink.js';
import { buildResults, type SearchResults } from './results.js';
import { fanOut, type SearchEventSink } from './search-events.js';
import { trainMethods } from './train-methods.js';

export { earlierSeconds } from './open-search.js';

export interface SearchOptions {
  config: NesConfig;
  dataset: DatasetSplits;
  inputs: ConfigInputs;
  /** A concrete engine name (resolved from "auto" by the caller). */
  engine: EngineName;
  /** The engine's GPU (ActiveEngine.device), recorded in results.json. */
  engineDevice?: string;
  runsDir: string;
  runId?: string;
  /** Resume this run (its config.json must be `config`) instead of creating one. */
  resume?: RunFolder;
  progress: SearchProgress;
  /** Called once the run folder exists (created or reopened), before any training starts. */
  onRunOpened?: (run: RunFolder) => void;
  /** More subscribers to the search's events (e.g. the CLI's live report), after the journal and the display. */
  sinks?: SearchEventSink[];
}

/**
 * Runs every configured method on one farm and writes runs/<id>/results.json, in three steps:
 * open (or resume) the run, train the methods' pools, evaluate them. The journal and the
 * progress display follow the search through its events.
 */
export async function runSearch(options: SearchOptions): Promise<{ run: RunFolder; results: SearchResults; timeLimited: boolean }> {
  const { config, dataset, progress } = options;
  const opened = openSearch({ ...options, space: options.inputs.space });
  const { run, journal, history, labels } = opened;
  const started = Date.now();
  let timeLimited = false;
  const sink = fanOut(journalSink(journal), progressSink(progress, { limitSeconds: config.execution.timeLimitSeconds, trialEpochs: (trial) => trialEpochs(trial, config) }), (event) => {
    if (event.type === 'time-limit-reached') timeLimited = true;
  }, ...(options.sinks ?? []));
  sink({ type: 'run-opened', run });
  keepLabels(opened);
  const limit = config.execution.timeLimitSeconds;
  const deadline = limit === undefined ? undefined : { at: started + limit * 1000, seconds: limit };
  const { methods, workers } = await trainMethods(opened, { ...options, sink, deadline, onEpoch: (p) => progress.epoch(p) });
  const results = buildResults({
    run,
    config,
    dataset,
    engine: options.engine,
    engineDevice: options.engineDevice,
    workers,
    macro: opened.macro,
    // Every part of the run, crashes and pauses between them left out.
    seconds: (history ? earlierSeconds(history) : 0) + (Date.now() - started) / 1000,
    methods: evaluateMethods(methods, labels, config),
  });
  writeResults(run, results);
  sink({ type: 'run-finished', seconds: results.seconds });
  journal.close();
  return { run, results, timeLimited };
}
