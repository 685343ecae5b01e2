import type { DatasetSplits } from '../data/types.js';
import { createExecutor } from '../farm/create-executor.js';
import { memberEpochs, readMemberFiles, readTrainingStart } from '../run/member-files.js';
import { buildWorkerDataSets } from '../farm/worker-data.js';
import type { Trial } from '../optimizers/types.js';
import type { NesConfig } from '../run/config.js';
import type { EngineName } from '../util/engine-names.js';
import type { ConfigInputs } from './config-inputs.js';
import type { RunLabels } from './evaluate-pool.js';
import { fidelityLadder, isMultiFidelity, plannedEpochs, plannedNetworks, trialEpochs } from '../run/method-rules.js';
import { planMethod } from './methods.js';
import type { JournalEvent } from '../run/journal.js';
import { writeRunBudget } from '../run/run-config.js';
import type { OpenedSearch } from './open-search.js';
import { toPoolMember, type MethodPool, type PoolMember } from './pool.js';
import { schedule, type TimeLimit } from './scheduler.js';
import type { SearchEvent, SearchEventSink } from './search-events.js';
import type { TrainProgress, TrainTask } from '../farm/types.js';

/** A method's trained pool (how its ensembles are chosen: run/method-rules.ts methodSelection). */
export interface TrainedMethod {
  pool: MethodPool;
}

/**
 * Step two of a search: builds the workers' data sets and the executor, then schedules each
 * configured method in turn (a method may build on the pools before it). The executor is closed
 * whatever happens.
 */
export async function trainMethods(
  opened: OpenedSearch,
  options: {
    config: NesConfig;
    inputs: ConfigInputs;
    dataset: DatasetSplits;
    engine: EngineName;
    sink: SearchEventSink;
    onEpoch: (progress: TrainProgress) => void;
    /** No training starts after this (execution.timeLimitSeconds from the invocation's start). */
    deadline?: TimeLimit;
  },
): Promise<{ methods: TrainedMethod[]; workers: number }> {
  const { config, sink } = options;
  const { run, history, labels, macro } = opened;
  const executor = await createExecutor(config.execution, {
    runId: run.id,
    engine: options.engine,
    data: buildWorkerDataSets(options.dataset, config),
    recipe: { dataset: config.dataset, seed: config.seed, shift: config.shift },
    onProgress: options.onEpoch,
  });
  const workers = executor.concurrency;
  if (history) sink({ type: 'run-resumed', engine: options.engine, workers });
  else sink({ type: 'run-started', methods: config.methods, engine: options.engine, workers });
  if (opened.budgetChange) {
    // config.json first: a stop between the two leaves a run whose stored config already grew.
    writeRunBudget(run, opened.budgetChange.to);
    sink({ type: 'budget-changed', ...opened.budgetChange });
  }
  sink({ type: 'search-planned', workers, ...planned(config, history) });
  const methods: TrainedMethod[] = [];
  try {
    for (const method of config.methods) {
      const events = history?.filter((event) => 'method' in event && event.method === method) ?? [];
      const pinned = events.find((event) => event.event === 'proposed')?.trial.genotype;
      const plan = planMethod(method, config, options.inputs, methods.map((m) => m.pool), pinned);
      sink({ type: 'method-started', method, networks: plan.networks });
      const pool = await schedule({
        method,
        optimizer: plan.optimizer,
        executor,
        taskFor: (trial) => ({
          method,
          trial,
          macro,
          training: config.training,
          memberDir: run.memberDir(method, trial.id),
          ...startingPoint(opened, config, method, trial),
        }),
        labels,
        history: history && {
          events,
          readMember: (trial) => readMember(opened, config, method, trial),
        },
        sink,
        networks: plan.networks,
        exactCount: plan.exactCount,
        deadline: options.deadline,
      });
      methods.push({ pool });
    }
  } finally {
    await executor.close();
    sink({ type: 'training-stopped' });
  }
  return { methods, workers };
}

/**
 * Trainings and epochs this invocation still has to train (every method's plan less what its
 * journal ended before), and those trained before with their measured seconds.
 */
function planned(config: NesConfig, history: JournalEvent[] = []): Omit<Extract<SearchEvent, { type: 'search-planned' }>, 'type' | 'workers'> {
  const proposed = new Map(history.flatMap((event) => (event.event === 'proposed' ? [[`${event.method}/${event.trial.id}`, event.trial] as const] : [])));
  const epochsOf = (method: string, trialId: number) => {
    const trial = proposed.get(`${method}/${trialId}`);
    return trial ? trialEpochs(trial, config) : config.training.epochs;
  };
  const ended = history.flatMap((event) => (event.event === 'finished' || event.event === 'failed' ? [event] : []));
  let networks = 0;
  let epochs = 0;
  for (const method of config.methods) {
    const mine = ended.filter((event) => event.method === method);
    networks += Math.max(0, plannedNetworks(method, config) - mine.length);
    epochs += Math.max(0, plannedEpochs(method, config) - mine.reduce((sum, event) => sum + epochsOf(method, event.trialId), 0));
  }
  const finished = history.flatMap((event) => (event.event === 'finished' ? [event] : []));
  return {
    networks,
    epochs,
    multiFidelity: config.methods.some(isMultiFidelity),
    earlier: {
      networks: finished.length,
      epochs: finished.reduce((sum, event) => sum + epochsOf(event.method, event.trialId), 0),
      trainSeconds: finished.reduce((sum, event) => sum + event.seconds, 0),
      predictSeconds: finished.reduce((sum, event) => sum + (event.predictSeconds ?? 0), 0),
    },
  };
}

/**
 * A finished member read back from its folder, or undefined when its files are incomplete or its
 * model was trained for other than the trial's epochs (member.json files before multi-fidelity
 * runs say nothing, and held full trainings).
 */
function readMember({ run, labels }: OpenedSearch, config: NesConfig, method: string, trial: Trial): PoolMember | undefined {
  const files = readMemberFiles(run.memberDir(method, trial.id), config.shift.severities, shapeOf(labels));
  if (!files || (files.epochs ?? config.training.epochs) !== memberEpochs(trial, config.training.epochs)) return undefined;
  return toPoolMember(trial, files, labels.validation, labels.numClasses);
}

/** A promotion continues from the model and training state of its network's previous leg. */
function startingPoint({ run }: OpenedSearch, config: NesConfig, method: string, trial: Trial): Pick<TrainTask, 'startFrom'> {
  if (trial.origin.source !== 'promotion') return {};
  const fromEpochs = fidelityLadder(config).epochs[trial.fidelity!.rung - 1]!;
  return { startFrom: readTrainingStart(run.memberDir(method, trial.origin.from), fromEpochs) };
}

function shapeOf(labels: RunLabels): { validation: number; test: number; numClasses: number } {
  return { validation: labels.validation.length, test: labels.test.length, numClasses: labels.numClasses };
}
