import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { asLabels, readNpy, writeNpy } from '../data/npy.js';
import type { DatasetSplits } from '../data/types.js';
import { createExecutor } from '../farm/create-executor.js';
import { readMemberFiles } from '../farm/member-files.js';
import { buildWorkerDataSets } from '../farm/worker-data.js';
import type { Trial } from '../optimizers/types.js';
import type { NesConfig } from '../run/config.js';
import type { EngineName } from '../util/engine-names.js';
import { Journal, type JournalEvent } from '../run/journal.js';
import { JournalError, readJournal } from '../run/journal-reader.js';
import { createRun, type RunFolder } from '../run/run-folder.js';
import { removeStaleTemporaries } from '../run/leftovers.js';
import { storedRunConfig } from './stored-config.js';
import type { MacroConfig } from '../space/types.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { runAskTellLoop } from './ask-tell-loop.js';
import type { ConfigInputs } from './config-inputs.js';
import { anytimeCurve, evaluateMembers, selectAndEvaluate, type RunLabels } from './evaluate-pool.js';
import { planMethod } from './methods.js';
import { toPoolMember, type MethodPool, type PoolMember } from './pool.js';
import type { SearchProgress } from './progress.js';
import { buildResults, type SearchResults } from './results.js';
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
}

/** Runs every configured method on one farm and writes runs/<id>/results.json. */
export async function runSearch(options: SearchOptions): Promise<{ run: RunFolder; results: SearchResults }> {
  const { config, dataset, inputs, progress } = options;
  const { space } = inputs;
  const stored = storedRunConfig(config, space);
  const macro: MacroConfig = stored.macro as MacroConfig;
  const run = options.resume ?? createRun(options.runsDir, stored, options.runId);
  // Temporary files of writes a kill cut short (their writer is gone) would stay forever.
  if (options.resume) removeStaleTemporaries(run.dir);
  options.onRunOpened?.(run);
  // On resume: every event before the crash (a half-written last line is cut off first).
  const history = options.resume ? readJournal(run.journalPath, { repair: true }) : undefined;
  const journal = new Journal(run.journalPath);
  const started = Date.now();
  const labels: RunLabels = {
    validation: dataset.validation.labels,
    test: dataset.test.labels,
    numClasses: dataset.numClasses,
  };
  progress.log(`run ${run.id}: ${run.dir}`);
  const data = buildWorkerDataSets(dataset, config);
  // A run that crashed before writing its labels writes them on resume.
  if (history && existsSync(join(run.dir, 'labels', 'test.npy'))) checkLabels(run, labels);
  else writeLabels(run, labels);
  const executor = await createExecutor(config.execution, {
    runId: run.id,
    engine: options.engine,
    data,
    recipe: { dataset: config.dataset, seed: config.seed, shift: config.shift },
    onProgress: (p) => progress.epoch(p),
  });
  const workers = executor.concurrency;
  if (history) journal.appendBeforeNext({ event: 'run-resumed', engine: options.engine, workers });
  else journal.append({ event: 'run-started', methods: config.methods, engine: options.engine, workers });
  const pools: { pool: MethodPool; selection: 'first' | 'configured' }[] = [];
  try {
    for (const method of config.methods) {
      const plan = planMethod(method, config, inputs, pools.map((p) => p.pool));
      progress.methodStarted(method, plan.networks);
      const pool = await runAskTellLoop({
        method,
        optimizer: plan.optimizer,
        executor,
        run,
        journal,
        macro,
        training: config.training,
        validationLabels: labels.validation,
        numClasses: labels.numClasses,
        resume: history && {
          events: history.filter((event) => 'method' in event && event.method === method),
          readMember: (trial) => readMember(run, method, trial, config.shift.severities, labels),
        },
        onMemberDone: ({ trial, member, failure }) =>
          progress.trialDone(
            method,
            trial.id,
            member
              ? `${method} trial ${trial.id} (${member.genotypeId}): validation NLL ${member.validationNll.toFixed(4)}, ${member.seconds.toFixed(1)} s training + ${member.predictSeconds.toFixed(1)} s predicting`
              : `${method} trial ${trial.id} failed: ${failure!.reason}`,
          ),
      });
      pools.push({ pool, selection: plan.selection });
    }
  } finally {
    await executor.close();
    progress.stop();
  }

  const results = buildResults({
    run,
    config,
    dataset,
    engine: options.engine,
    engineDevice: options.engineDevice,
    workers,
    macro,
    // Every part of the run, crashes and pauses between them left out.
    seconds: (history ? earlierSeconds(history) : 0) + (Date.now() - started) / 1000,
    methods: pools.map(({ pool, selection }) => {
      const evaluation = { ...config, selection: selection === 'first' ? { method: 'first' as const, beam: 1 } : config.selection };
      const each = <T>(make: (size: number, severity: number) => T[]): T[] =>
        pool.members.length === 0
          ? []
          : config.ensembleSizes.flatMap((size) => config.shift.severities.flatMap((severity) => make(size, severity)));
      return {
        pool,
        members: evaluateMembers(pool, labels, config.evaluation.eceBins),
        // Shift-aware selection: chosen on validation data at the severity it is tested at.
        ensembles: each((size, severity) => [
          selectAndEvaluate(pool, pool.members, size, labels, evaluation, { selectOn: severity, evaluateOn: severity }),
        ]),
        // The usual practice, for comparison: chosen on clean validation data, tested under shift.
        cleanSelection: each((size, severity) =>
          severity === 0
            ? []
            : [selectAndEvaluate(pool, pool.members, size, labels, evaluation, { selectOn: 0, evaluateOn: severity })],
        ),
        anytime: anytimeCurve(pool, config.ensembleSizes, labels, evaluation),
      };
    }),
  });
  writeFileAtomic(run.resultsPath, JSON.stringify(results, null, 2) + '\n');
  journal.append({ event: 'run-finished', seconds: results.seconds });
  journal.close();
  return { run, results };
}

/**
 * Seconds the run had already spent before this resume: each part lasts from its run-started or
 * run-resumed event to the last event written before the next part began.
 */
export function earlierSeconds(history: JournalEvent[]): number {
  let total = 0;
  let partStart: number | undefined;
  let last: number | undefined;
  for (const event of history) {
    const time = Date.parse(event.time);
    if (event.event === 'run-started' || event.event === 'run-resumed') {
      if (partStart !== undefined && last !== undefined) total += (last - partStart) / 1000;
      partStart = time;
    }
    last = time;
  }
  if (partStart !== undefined && last !== undefined) total += (last - partStart) / 1000;
  return total;
}

/** The true labels, stored with the run so that its predictions can be scored without the data set. */
function writeLabels(run: RunFolder, labels: RunLabels): void {
  const dir = join(run.dir, 'labels');
  mkdirSync(dir, { recursive: true });
  for (const split of ['validation', 'test'] as const) {
    writeNpy(join(dir, `${split}.npy`), { dtype: 'uint8', shape: [labels[split].length], data: labels[split] });
  }
}

/** On resume, the data must be the data the run started with. */
function checkLabels(run: RunFolder, labels: RunLabels): void {
  for (const split of ['validation', 'test'] as const) {
    const path = join(run.dir, 'labels', `${split}.npy`);
    const stored = asLabels(readNpy(path), labels.numClasses, path);
    const same = stored.length === labels[split].length && stored.every((label, i) => label === labels[split][i]);
    if (!same) {
      throw new JournalError(`${path}: the ${split} labels differ from the data loaded now; resume with the data the run started with (config.json, dataset)`);
    }
  }
}

/** A finished member read back from its folder, or undefined when its files are incomplete. */
function readMember(run: RunFolder, method: string, trial: Trial, severities: number[], labels: RunLabels): PoolMember | undefined {
  const files = readMemberFiles(run.memberDir(method, trial.id), severities, {
    validation: labels.validation.length,
    test: labels.test.length,
    numClasses: labels.numClasses,
  });
  return files && toPoolMember(trial, files, labels.validation, labels.numClasses);
}
