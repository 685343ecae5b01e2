import type { Optimizer, Trial, TrialResult } from '../optimizers/types.js';
import type { TrainingExecutor } from '../farm/executor.js';
import type { TrainTask } from '../farm/types.js';
import type { Journal } from '../run/journal.js';
import type { RunFolder } from '../run/run-folder.js';
import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { nll } from '../evaluate/metrics.js';
import { genotypeId } from '../space/id.js';
import type { FailedTrial, MethodPool, PoolMember } from './pool.js';

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
  onMemberDone?: (outcome: { trial: Trial; member?: PoolMember; failure?: FailedTrial }) => void;
}

type Settled = { trial: Trial; member?: PoolMember; failure?: FailedTrial };

/**
 * The asynchronous ask/tell loop: whenever a worker is free the optimizer is asked for the next
 * candidate; results are told back as they arrive. No generation barrier: a slow training never
 * holds the others up.
 */
export async function runAskTellLoop(context: LoopContext): Promise<MethodPool> {
  const { method, optimizer, executor, journal } = context;
  const running = new Map<number, Promise<Settled>>();
  const pool: MethodPool = { method, members: [], failed: [] };
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
    let result: TrialResult;
    if (settled.member) {
      pool.members.push(settled.member);
      result = {
        status: 'finished',
        validationTrueClassProbs: new Map(
          Object.entries(settled.member.validationProbs).map(([severity, probs]) => [
            Number(severity),
            trueClassProbabilities(probs, context.validationLabels, context.numClasses),
          ]),
        ),
        validationNll: settled.member.validationNll,
      };
    } else {
      pool.failed.push(settled.failure!);
      result = { status: 'failed', reason: settled.failure!.reason };
    }
    optimizer.tell(settled.trial, result);
    context.onMemberDone?.(settled);
  }
  pool.members.sort((a, b) => a.trialId - b.trialId);
  return pool;
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
  );
  if (outcome.status === 'failed') {
    journal.append({ event: 'failed', method, trialId: trial.id, attempt: outcome.attempts, reason: outcome.reason });
    return { trial, failure: { trialId: trial.id, genotypeId: id, reason: outcome.reason, attempts: outcome.attempts } };
  }
  const validationNll = nll(outcome.validationProbs[0]!, context.validationLabels, context.numClasses);
  const member: PoolMember = {
    trialId: trial.id,
    genotype: trial.genotype,
    genotypeId: id,
    seed: trial.seed,
    validationProbs: outcome.validationProbs,
    testProbs: outcome.testProbs,
    validationNll,
    seconds: outcome.seconds,
    lossCurve: outcome.lossCurve,
  };
  journal.append({
    event: 'finished',
    method,
    trialId: trial.id,
    attempt: outcome.attempts,
    genotypeId: id,
    validationNll,
    seconds: outcome.seconds,
    lossCurve: outcome.lossCurve,
  });
  return { trial, member };
}
