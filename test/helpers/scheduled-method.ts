import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Optimizer, Trial } from '../../src/optimizers/types.js';
import { Journal, type JournalEvent } from '../../src/run/journal.js';
import { readJournal } from '../../src/run/journal-reader.js';
import { runFolder } from '../../src/run/run-folder.js';
import { journalSink } from '../../src/search/journal-sink.js';
import { toPoolMember, type MethodPool } from '../../src/search/pool.js';
import { schedule, type TimeLimit } from '../../src/search/scheduler.js';
import { fanOut, type SearchEvent } from '../../src/search/search-events.js';
import { fakeOutcome, type FakeExecutor, type FakeOutcomes } from './fake-executor.js';

export const OUTCOMES: FakeOutcomes = { points: 8, classes: 3, severities: [0, 3], failureRate: 0.2 };

/** Labels of the fake validation points: what the members' NLLs are computed against. */
export function fakeLabels(outcomes: FakeOutcomes): { validation: Uint8Array; numClasses: number } {
  return { validation: Uint8Array.from({ length: outcomes.points }, (_, i) => i % outcomes.classes), numClasses: outcomes.classes };
}

/**
 * One method scheduled the way a search does it, on a fake executor, with the journal sink writing
 * a real journal: what it journaled, every event it emitted, and the pool. With `resume`, the
 * journal events before a stop: the members they call finished have their files, the others not.
 */
export async function scheduleMethod(
  optimizer: Optimizer,
  executor: FakeExecutor,
  options: {
    resume?: JournalEvent[];
    outcomes?: FakeOutcomes;
    /** Trials in flight at the stop whose files are complete all the same (default: none). */
    completeInFlight?: number[];
    /** The method's budget as the scheduler is told it (default: unbounded, the optimizer decides). */
    networks?: number;
    deadline?: TimeLimit;
  } = {},
): Promise<{ journal: JournalEvent[]; events: SearchEvent[]; pool: MethodPool }> {
  const outcomes = options.outcomes ?? OUTCOMES;
  const labels = fakeLabels(outcomes);
  const dir = mkdtempSync(join(tmpdir(), 'nes-schedule-'));
  const run = runFolder(dir, 'run');
  const journalPath = join(dir, 'journal.jsonl');
  const journal = new Journal(journalPath);
  const events: SearchEvent[] = [];
  const resume = options.resume;
  const readMember = (trial: Trial) => {
    const journaled = resume?.some((e) => e.event === 'finished' && e.trialId === trial.id);
    if (!journaled && !options.completeInFlight?.includes(trial.id)) return undefined;
    const { result } = fakeOutcome(trial, outcomes);
    return result.status === 'finished' ? toPoolMember(trial, result, labels.validation, labels.numClasses) : undefined;
  };
  try {
    const pool = await schedule({
      method: 're',
      optimizer,
      executor,
      taskFor: (trial) => ({
        method: 're',
        trial,
        macro: { cells: 2, channels: 4, stemMultiplier: 3 },
        training: { epochs: 1, batchSize: 8, learningRate: 0.025, momentum: 0.9, weightDecay: 3e-4, gradientClip: 5 },
        memberDir: run.memberDir('re', trial.id),
      }),
      labels,
      history: resume && { events: resume, readMember },
      sink: fanOut(journalSink(journal), (event) => events.push(event)),
      networks: options.networks ?? Number.POSITIVE_INFINITY,
      deadline: options.deadline,
    });
    return { journal: readJournal(journalPath), events, pool };
  } finally {
    journal.close();
  }
}

export type OptimizerCall = { ask: ReturnType<Optimizer['ask']> } | { tell: Parameters<Optimizer['tell']> };

/** A recording wrapper: every ask() answer and tell() of `optimizer`, in order, each also given to `onCall` once done. */
export function recorded(optimizer: Optimizer, onCall: (call: OptimizerCall) => void = () => {}): { optimizer: Optimizer; calls: OptimizerCall[] } {
  const calls: OptimizerCall[] = [];
  const record = (call: OptimizerCall) => {
    calls.push(call);
    onCall(call);
  };
  return {
    calls,
    optimizer: {
      ask: () => {
        const answer = optimizer.ask();
        record({ ask: answer });
        return answer;
      },
      tell: (trial, result) => {
        optimizer.tell(trial, result);
        record({ tell: [trial, result] });
      },
    },
  };
}
