/**
 * A run as the report and the leaderboard see it: results.json when the run finished, otherwise
 * what is done so far, rebuilt from the journal and the members already trained (their files are
 * in place before their `finished` line: run-search's invariant, which a resume relies on too),
 * with the search's own evaluation functions: the same metrics and selection, on a smaller pool.
 */
import { EnsembleInputError } from '../export/errors.js';
import { readRunResults } from '../export/run-results.js';
import { selectsWithReplacement } from '../ensemble/select.js';
import type { NesConfig } from '../run/config.js';
import type { JournalEvent, JournaledTrial } from '../run/journal.js';
import { readJournal } from '../run/journal-reader.js';
import { readMemberPredictions } from '../run/member-files.js';
import { readStoredRunConfig } from '../run/run-config.js';
import { openRun, type RunFolder } from '../run/run-folder.js';
import { readRunLabels } from '../run/run-labels.js';
import { methodSelection } from '../run/method-rules.js';
import { hasResults, readRunStatus, searchedSeconds, type RunStatus } from '../run/run-status.js';
import { anytimeCurve, evaluateMembers, selectAndEvaluate, type EvaluationSettings, type RunLabels } from '../search/evaluate-pool.js';
import { latestLegs, toPoolMember, type MethodPool, type PoolMember } from '../search/pool.js';
import type { SearchResults } from '../run/results-types.js';
import { genotypeId } from '../space/id.js';
import type { MacroConfig } from '../space/types.js';
import { NES_VERSION } from '../version.js';

/**
 * results.json's shape, except that a run which has not finished cannot know everything about its
 * data set (the training count, image shape and normalisation are in results.json only) and
 * carries no shift sources.
 */
export type ReportedResults = Omit<SearchResults, 'dataset' | 'shift'> & {
  dataset: Pick<SearchResults['dataset'], 'name' | 'validation' | 'test' | 'numClasses'> & Partial<SearchResults['dataset']>;
};

/** What a trial went through, from the journal. */
export interface TrialRecord {
  method: string;
  trial: JournaledTrial;
  status: 'finished' | 'failed' | 'unfinished';
  lossCurve?: number[];
  reason?: string;
}

export interface RunSnapshot {
  run: RunFolder;
  status: RunStatus;
  results: ReportedResults;
  /** Set when the run has not finished: the results cover the networks trained so far. */
  partial: boolean;
  /** Every proposed trial per method, in order of proposal. */
  trials: Map<string, TrialRecord[]>;
}

export interface SnapshotOptions {
  /**
   * Severities a partial snapshot evaluates: 'all' (the report's shift plots) or 'clean' (the
   * leaderboard, which reads only severity 0: a sixth of the predictions with six severities).
   */
  severities?: 'all' | 'clean';
}

export function readRunSnapshot(runDir: string, options: SnapshotOptions = {}): RunSnapshot {
  const run = openRun(runDir);
  const events = readJournal(run.journalPath);
  const status = readRunStatus(run.dir, run.id);
  const trials = trialRecords(events);
  if (hasResults(status.state)) return { run, status, results: readRunResults(run.dir), partial: false, trials };
  const config = readStoredRunConfig(run);
  return { run, status, results: partialResults(run, config, events, trials, options.severities ?? 'all'), partial: true, trials };
}

function trialRecords(events: JournalEvent[]): Map<string, TrialRecord[]> {
  const byMethod = new Map<string, TrialRecord[]>();
  const byKey = new Map<string, TrialRecord>();
  for (const event of events) {
    if (event.event === 'proposed') {
      const record: TrialRecord = { method: event.method, trial: event.trial, status: 'unfinished' };
      byKey.set(`${event.method}/${event.trial.id}`, record);
      byMethod.set(event.method, [...(byMethod.get(event.method) ?? []), record]);
    } else if (event.event === 'finished' || event.event === 'failed') {
      const record = byKey.get(`${event.method}/${event.trialId}`);
      if (!record) continue;
      record.status = event.event;
      if (event.event === 'finished') record.lossCurve = event.lossCurve;
      else record.reason = event.reason;
    }
  }
  return byMethod;
}

/** What the run has done so far, shaped as results.json. */
function partialResults(
  run: RunFolder,
  config: NesConfig,
  events: JournalEvent[],
  trials: Map<string, TrialRecord[]>,
  which: 'all' | 'clean',
): ReportedResults {
  const severities = which === 'all' ? config.shift.severities : [0];
  const finished = new Map(events.flatMap((e) => (e.event === 'finished' ? [[`${e.method}/${e.trialId}`, e] as const] : [])));
  const firstMember = [...finished.values()][0];
  const numClasses = firstMember ? predictedClasses(run, firstMember.method, firstMember.trialId) : undefined;
  const labels = readLabels(run, numClasses);
  const pools: MethodPool[] = config.methods.map((method) => {
    const records = trials.get(method) ?? [];
    const members = records
      .filter((r) => r.status === 'finished')
      .map((r) => readMember(run, r, finished.get(`${method}/${r.trial.id}`)!, severities, labels))
      .sort((a, b) => a.trialId - b.trialId);
    const failed = events.flatMap((e) =>
      e.event === 'failed' && e.method === method
        ? [{ trialId: e.trialId, genotypeId: genotypeOf(records, e.trialId), reason: e.reason, attempts: e.attempt }]
        : [],
    );
    return { method, members, failed };
  });

  const methods: ReportedResults['methods'] = {};
  for (const pool of pools) {
    const settings: EvaluationSettings = { selection: methodSelection(pool.method as NesConfig['methods'][number], config), evaluation: config.evaluation };
    // A partial pool may be smaller than an ensemble: only sizes it can fill (any size with replacement).
    const sizes = config.ensembleSizes.filter((size) => selectsWithReplacement(settings.selection.method) || size <= latestLegs(pool.members).length);
    const members = pool.members.length > 0 ? evaluateMembers(pool, labels, config.evaluation.eceBins) : [];
    const each = (selectOn: (severity: number) => number, skipClean: boolean) =>
      pool.members.length === 0
        ? []
        : sizes.flatMap((size) =>
            severities
              .filter((severity) => !(skipClean && severity === 0))
              .map((severity) => selectAndEvaluate(pool, pool.members, size, labels, settings, { selectOn: selectOn(severity), evaluateOn: severity })),
          );
    const byTrial = new Map(pool.members.map((m) => [m.trialId, m]));
    methods[pool.method] = {
      pool: members.map((m) => ({ ...m, genotype: byTrial.get(m.trialId)!.genotype, seed: byTrial.get(m.trialId)!.seed })),
      failed: pool.failed,
      bestMember: members.reduce<(typeof members)[number] | null>((best, m) => (best === null || m.validation.nll < best.validation.nll ? m : best), null),
      ensembles: each((severity) => severity, false),
      cleanSelection: each(() => 0, true),
      anytime: pool.members.length > 0 ? anytimeCurve(pool, sizes, labels, settings, config.training.epochs) : [],
    };
  }
  const lastStart = [...events].reverse().find((e) => e.event === 'run-started' || e.event === 'run-resumed');
  const engineOf = lastStart && (lastStart.event === 'run-started' || lastStart.event === 'run-resumed') ? lastStart : undefined;
  return {
    run: run.id,
    nesVersion: NES_VERSION,
    engine: engineOf?.engine ?? 'wasm',
    workers: engineOf?.workers ?? 0,
    seconds: searchedSeconds(events),
    dataset: {
      name: config.dataset.name ?? 'fashion-mnist',
      validation: labels.validation.length,
      test: labels.test.length,
      numClasses: labels.numClasses,
    },
    macro: config.macro as MacroConfig,
    training: config.training,
    table: Object.values(methods).flatMap((m) =>
      m.ensembles.map((e) => ({ method: e.method, size: e.size, severity: e.severity, nll: e.test.nll, error: e.test.error, ece: e.test.ece, brier: e.test.brier })),
    ),
    methods,
  };
}

function genotypeOf(records: TrialRecord[], trialId: number): string {
  const trial = records.find((r) => r.trial.id === trialId)?.trial;
  return trial ? genotypeId(trial.genotype) : '';
}

/** The class count of a finished member's clean validation predictions. */
function predictedClasses(run: RunFolder, method: string, trialId: number): number {
  const dir = run.memberDir(method, trialId);
  const predictions = readMemberPredictions(dir, 'validation', 0);
  if (!predictions || predictions.rows === 0) throw new EnsembleInputError(`${dir}: the journal says it finished, but its validation predictions are missing or empty`);
  return predictions.probs.length / predictions.rows;
}

/** labels/ is written when the run starts, before any training. */
function readLabels(run: RunFolder, numClasses: number | undefined): RunLabels {
  // Without a trained member the class count is unknown; any count above the labels reads them.
  const read = (split: 'validation' | 'test') => readRunLabels(run, split, numClasses ?? 256) ?? new Uint8Array(0);
  const validation = read('validation');
  const test = read('test');
  // No member yet: at least as many classes as the labels show.
  const seen = [validation, test].reduce((most, labels) => labels.reduce((m, label) => Math.max(m, label + 1), most), 1);
  return { validation, test, numClasses: numClasses ?? seen };
}

function readMember(
  run: RunFolder,
  record: TrialRecord,
  event: Extract<JournalEvent, { event: 'finished' }>,
  severities: number[],
  labels: RunLabels,
): PoolMember {
  const dir = run.memberDir(record.method, record.trial.id);
  const read = (split: 'validation' | 'test', severity: number, count: number) => {
    const predictions = readMemberPredictions(dir, split, severity);
    const expected = count * labels.numClasses;
    if (!predictions || predictions.rows !== count || predictions.probs.length !== expected) {
      throw new EnsembleInputError(`${dir}: the ${split} predictions at severity ${severity} are missing or not ${count} × ${labels.numClasses}; the member's files are damaged`);
    }
    return predictions.probs;
  };
  const bySeverity = (split: 'validation' | 'test', count: number) => Object.fromEntries(severities.map((s) => [s, read(split, s, count)]));
  return toPoolMember(
    record.trial,
    {
      validationProbs: bySeverity('validation', labels.validation.length),
      testProbs: bySeverity('test', labels.test.length),
      seconds: event.seconds,
      predictSeconds: event.predictSeconds ?? 0,
      lossCurve: event.lossCurve,
    },
    labels.validation,
    labels.numClasses,
  );
}
