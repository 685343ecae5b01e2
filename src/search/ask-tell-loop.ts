import type { Optimizer, Trial, TrialResult } from '../optimizers/types.js';
import type { TrainingExecutor } from '../farm/executor.js';
import type { TrainTask } from '../farm/types.js';
import type { Journal, JournalEvent } from '../run/journal.js';
import type { RunFolder } from '../run/run-folder.js';
import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { canonicalGenotypeJson, genotypeId } from '../space/id.js';
import { toPoolMember, type FailedTrial, type MethodPool, type PoolMember } from './pool.js';
import { JournalError } from '../run/journal-reader.js';

export interface LoopContext {
  method: string;
  optimizer: Optimizer;
  executor: TrainingExecutor;
  run: RunFolder;
  journal: Journal;
  macro: TrainTask['macro'];
  training: TrainTask['training'];
  validationLabels: Uint8Array;
  numClasses: number;
  /**
   * Resuming: this method's journal events from before the crash, and a reader of a member's
   * files (undefined when they are incomplete). The optimizer is brought back to its state by
   * replaying exactly the asks and tells the journal recorded.
   */
  resume?: { events: JournalEvent[]; readMember: (trial: Trial) => PoolMember | undefined };
  onMemberDone?: (outcome: { trial: Trial; member?: PoolMember; failure?: FailedTrial }) => void;
}

type Settled = { trial: Trial; member?: PoolMember; failure?: FailedTrial };

/**
 * The asynchronous ask/tell loop: whenever a worker is free the optimizer is asked for the next
 * candidate; results are told back as they arrive. No generation barrier: a slow training never
 * holds the others up. Every ask and tell is journaled in the order it happens (a tell right after
 * its 'finished' or 'failed' line), which is what makes a resume an exact replay.
 */
export async function runAskTellLoop(context: LoopContext): Promise<MethodPool> {
  const { method, optimizer, executor, journal } = context;
  const running = new Map<number, Promise<Settled>>();
  const pool: MethodPool = { method, members: [], failed: [] };
  const record = (settled: Settled, replayed: boolean) => {
    if (settled.member) pool.members.push(settled.member);
    else pool.failed.push(settled.failure!);
    if (!replayed) journalOutcome(journal, method, settled);
    optimizer.tell(settled.trial, resultOf(settled, context));
    context.onMemberDone?.(settled);
  };

  for (const trial of context.resume ? replay(context, record) : []) {
    // In flight at the crash: take the finished files if the training completed, else train again.
    const done = context.resume!.readMember(trial);
    if (done) {
      journal.append({ event: 'adopted', method, trialId: trial.id });
      record({ trial, member: done }, false);
    } else {
      running.set(trial.id, trainTrial(context, trial));
    }
  }

  let exhausted = false;
  for (;;) {
    while (!exhausted && running.size < executor.concurrency) {
      const trial = optimizer.ask();
      if (trial === null) exhausted = true;
      if (trial === null || trial === 'wait') break;
      journal.append({ event: 'proposed', method, trial });
      running.set(trial.id, trainTrial(context, trial));
    }
    if (running.size === 0) break;
    const settled = await Promise.race(running.values());
    running.delete(settled.trial.id);
    record(settled, false);
  }
  pool.members.sort((a, b) => a.trialId - b.trialId);
  return pool;
}

/** Replays the journaled asks and tells; returns the trials that were still in flight. */
function replay(context: LoopContext, record: (settled: Settled, replayed: boolean) => void): Trial[] {
  const { optimizer, method } = context;
  const { events, readMember } = context.resume!;
  const inFlight = new Map<number, Trial>();
  for (const event of events) {
    if (event.event === 'proposed') {
      const trial = optimizer.ask();
      if (trial === null || trial === 'wait' || trial.id !== event.trial.id || trial.seed !== event.trial.seed ||
        canonicalGenotypeJson(trial.genotype) !== canonicalGenotypeJson(event.trial.genotype)) {
        throw new JournalError(
          `${method}: replaying the journal, trial ${event.trial.id} was not proposed again as recorded; the journal does not belong to this config and version`,
        );
      }
      inFlight.set(trial.id, trial);
    } else if (event.event === 'finished' || event.event === 'failed') {
      const trial = inFlight.get(event.trialId);
      if (!trial) throw new JournalError(`${method}: the journal ends trial ${event.trialId}, which it never proposed`);
      inFlight.delete(trial.id);
      if (event.event === 'failed') {
        record({ trial, failure: { trialId: trial.id, genotypeId: genotypeId(trial.genotype), reason: event.reason, attempts: event.attempt } }, true);
        continue;
      }
      const member = readMember(trial);
      if (!member) throw new JournalError(`${method}: trial ${trial.id} is journaled as finished but its files are incomplete`);
      record({ trial, member }, true);
    }
  }
  return [...inFlight.values()];
}

function resultOf(settled: Settled, context: LoopContext): TrialResult {
  if (!settled.member) return { status: 'failed', reason: settled.failure!.reason };
  return {
    status: 'finished',
    validationTrueClassProbs: new Map(
      Object.entries(settled.member.validationProbs).map(([severity, probs]) => [
        Number(severity),
        trueClassProbabilities(probs, context.validationLabels, context.numClasses),
      ]),
    ),
    validationNll: settled.member.validationNll,
  };
}

function journalOutcome(journal: Journal, method: string, settled: Settled): void {
  const { trial, member, failure } = settled;
  if (failure) {
    journal.append({ event: 'failed', method, trialId: trial.id, attempt: failure.attempts, reason: failure.reason });
    return;
  }
  journal.append({
    event: 'finished',
    method,
    trialId: trial.id,
    genotypeId: member!.genotypeId,
    validationNll: member!.validationNll,
    seconds: member!.seconds,
    predictSeconds: member!.predictSeconds,
    lossCurve: member!.lossCurve,
  });
}

async function trainTrial(context: LoopContext, trial: Trial): Promise<Settled> {
  const { method, journal, executor } = context;
  const id = genotypeId(trial.genotype);
  journal.append({ event: 'started', method, trialId: trial.id, attempt: 1 });
  const outcome = await executor.train(
    {
      method,
      trial,
      macro: context.macro,
      training: context.training,
      memberDir: context.run.memberDir(method, trial.id),
    },
    (attempt, reason) => {
      journal.append({ event: 'attempt-failed', method, trialId: trial.id, attempt, reason });
      journal.append({ event: 'started', method, trialId: trial.id, attempt: attempt + 1 });
    },
    (attempt, reason) => {
      journal.append({ event: 'requeued', method, trialId: trial.id, attempt, reason });
      journal.append({ event: 'started', method, trialId: trial.id, attempt: attempt + 1 });
    },
  );
  if (outcome.status === 'failed') {
    return { trial, failure: { trialId: trial.id, genotypeId: id, reason: outcome.reason, attempts: outcome.attempts } };
  }
  return { trial, member: toPoolMember(trial, outcome, context.validationLabels, context.numClasses) };
}
