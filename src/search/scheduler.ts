import type { ExecutorResult, TrainingExecutor } from '../farm/executor.js';
import type { TrainTask } from '../farm/types.js';
import type { Optimizer, Trial } from '../optimizers/types.js';
import { genotypeId } from '../space/id.js';
import { replayJournal, type MethodHistory } from './journal-replay.js';
import { toPoolMember, trialResult, type MemberLabels, type MethodPool } from './pool.js';
import type { SearchEventSink, SettledTrial } from './search-events.js';

export interface ScheduleOptions {
  method: string;
  optimizer: Optimizer;
  executor: TrainingExecutor;
  /** What the executor is given to train `trial` (macro and training settings, member folder). */
  taskFor(trial: Trial): Omit<TrainTask, 'progressChannel'>;
  labels: MemberLabels;
  /** Resuming: the optimizer is brought back by replaying this history first. */
  history?: MethodHistory;
  /** Receives every step: the journal and the progress display subscribe. */
  sink: SearchEventSink;
  /** Networks the method trains in all (its budget): a time limit stops it only short of this. */
  networks: number;
  /**
   * False when `networks` is an estimate and the optimizer decides when it is done (a
   * multi-fidelity method's trainings): a time limit then stops it whenever it is reached.
   */
  exactCount?: boolean;
  /** No training starts after this moment (ms since the epoch); those in flight finish. */
  deadline?: TimeLimit;
}

/** A time limit on starting trainings: `at` in ms since the epoch, `seconds` as configured. */
export interface TimeLimit {
  at: number;
  seconds: number;
  now?: () => number;
}

/**
 * The asynchronous ask/tell scheduler of one method: whenever the executor has room the optimizer
 * is asked for the next candidate; results are told back as they arrive. No generation barrier: a
 * slow training never holds the others up. Every step is emitted in the order it happens (a tell
 * right after its trial settles), which is what makes a resume from the journal an exact replay.
 */
export async function schedule(options: ScheduleOptions): Promise<MethodPool> {
  const { method, optimizer, executor, sink } = options;
  const running = new Map<number, Promise<SettledTrial>>();
  const pool: MethodPool = { method, members: [], failed: [] };
  const settle = (settled: SettledTrial, replayed: boolean) => {
    if (settled.member) pool.members.push(settled.member);
    else pool.failed.push(settled.failure);
    sink({ type: 'trial-settled', method, settled, replayed });
    optimizer.tell(settled.trial, trialResult(settled, options.labels));
  };
  const start = (trial: Trial) => running.set(trial.id, train(options, trial));

  const inFlight = options.history ? replayJournal(method, optimizer, options.history, (settled) => settle(settled, true)) : [];
  // Proposed before the stop, counted whether they end now or were journaled as ended.
  let proposed = options.history?.events.filter((event) => event.event === 'proposed').length ?? 0;
  /** In flight at the stop and not finished on disk: trained again before anything new is asked. */
  const retrain: Trial[] = [];
  for (const trial of inFlight) {
    // In flight at the stop: take the finished files if the training completed, else train again.
    const done = options.history!.readMember(trial);
    if (done) {
      sink({ type: 'adopted', method, trialId: trial.id });
      settle({ trial, member: done }, false);
    } else {
      retrain.push(trial);
    }
  }

  let exhausted = false;
  let limited = false;
  const { deadline } = options;
  for (;;) {
    // The one place that decides whether another training starts.
    while (!exhausted && !limited && running.size < executor.concurrency) {
      const more = retrain.length > 0 || options.exactCount === false || proposed < options.networks;
      if (more && deadline && (deadline.now ?? Date.now)() >= deadline.at) {
        // Past the time limit: nothing new starts; what runs finishes and the run ends with it.
        limited = true;
        sink({ type: 'time-limit-reached', method, limitSeconds: deadline.seconds, proposed, networks: options.networks });
        break;
      }
      const again = retrain.shift();
      if (again) {
        start(again);
        continue;
      }
      const trial = optimizer.ask();
      if (trial === null) exhausted = true;
      if (trial === null || trial === 'wait') break;
      proposed++;
      sink({ type: 'proposed', method, trial });
      start(trial);
    }
    if (running.size === 0) break;
    const settled = await Promise.race(running.values());
    running.delete(settled.trial.id);
    settle(settled, false);
  }
  pool.members.sort((a, b) => a.trialId - b.trialId);
  return pool;
}

async function train(options: ScheduleOptions, trial: Trial): Promise<SettledTrial> {
  const { method, sink } = options;
  sink({ type: 'started', method, trialId: trial.id, attempt: 1 });
  const outcome: ExecutorResult = await options.executor.train(options.taskFor(trial), (attempt, reason) => {
    sink({ type: 'attempt-failed', method, trialId: trial.id, attempt, reason });
    sink({ type: 'started', method, trialId: trial.id, attempt: attempt + 1 });
  }, (attempt, reason) => {
    sink({ type: 'requeued', method, trialId: trial.id, attempt, reason });
    sink({ type: 'started', method, trialId: trial.id, attempt: attempt + 1 });
  });
  if (outcome.status === 'failed') {
    return { trial, failure: { trialId: trial.id, genotypeId: genotypeId(trial.genotype), reason: outcome.reason, attempts: outcome.attempts } };
  }
  return { trial, member: toPoolMember(trial, outcome, options.labels.validation, options.labels.numClasses) };
}
