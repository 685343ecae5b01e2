import assert from 'node:assert/strict';
import type { ExecutorResult, TrainingExecutor } from '../../src/farm/executor.js';
import type { TrainTask } from '../../src/farm/types.js';
import type { Trial } from '../../src/optimizers/types.js';
import { createRng } from '../../src/util/rng.js';

export interface FakeOutcomes {
  /** Validation (and test) points, and classes of each softmax row. */
  points: number;
  classes: number;
  severities: number[];
  /** Share of trials whose training fails for good. */
  failureRate?: number;
  /** Share of trials whose first attempt fails and is retried. */
  retryRate?: number;
}

/**
 * What a trial's training gives: seeded random softmax rows at every severity, or a failure, as a
 * function of the trial's seed (and fidelity) alone, so that a trial trained again gives the same.
 */
export function fakeOutcome(trial: Trial, options: FakeOutcomes): { result: ExecutorResult; failedAttempts: string[] } {
  // A leg of a multi-fidelity search trains the same seed further: it gives other predictions.
  const rng = createRng(`outcome:${trial.seed}${trial.fidelity ? `@${trial.fidelity.epochs}` : ''}`);
  const fails = rng.next() < (options.failureRate ?? 0);
  const failedAttempts = rng.next() < (options.retryRate ?? 0) ? ['worker thread crashed'] : [];
  const attempts = failedAttempts.length + 1;
  if (fails) return { result: { status: 'failed', reason: 'simulated failure', attempts }, failedAttempts };
  const probs = () => {
    const values = Float32Array.from({ length: options.points * options.classes }, () => 0.05 + rng.next());
    for (let row = 0; row < options.points; row++) {
      const slice = values.subarray(row * options.classes, (row + 1) * options.classes);
      const sum = slice.reduce((a, b) => a + b, 0);
      slice.forEach((value, i) => (slice[i] = value / sum));
    }
    return values;
  };
  const bySeverity = () => Object.fromEntries(options.severities.map((severity) => [severity, probs()]));
  return {
    result: { status: 'finished', validationProbs: bySeverity(), testProbs: bySeverity(), lossCurve: [1], seconds: 1, predictSeconds: 0, attempts },
    failedAttempts,
  };
}

export interface FakeExecutor extends TrainingExecutor {
  /** Every task handed to train(), in order. */
  readonly tasks: Omit<TrainTask, 'progressChannel'>[];
  /** The most trainings that were ever in flight at once. */
  readonly mostInFlight: number;
}

/**
 * An executor without tfjs or threads: it ends one running training at a time, whenever the
 * scheduler waits, the one `pick` names among those running (ids ascending), so results arrive in
 * any order a test wants. A trial's failed attempts are reported before its outcome.
 */
export function fakeExecutor(concurrency: number, outcomes: FakeOutcomes, pick: (running: number[]) => number): FakeExecutor {
  const running = new Map<number, { trial: Trial; resolve: () => void }>();
  const tasks: Omit<TrainTask, 'progressChannel'>[] = [];
  let mostInFlight = 0;
  let scheduled = false;
  const step = () => {
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (running.size === 0) return;
      const id = pick([...running.keys()].sort((a, b) => a - b));
      const entry = running.get(id);
      assert.ok(entry, `trial ${id} should be running; running: ${[...running.keys()].join(', ')}`);
      running.delete(id);
      entry.resolve();
      step();
    });
  };
  return {
    concurrency,
    tasks,
    get mostInFlight() {
      return mostInFlight;
    },
    train: (task, onAttemptFailed) =>
      new Promise<ExecutorResult>((resolve) => {
        tasks.push(task);
        const { result, failedAttempts } = fakeOutcome(task.trial, outcomes);
        running.set(task.trial.id, {
          trial: task.trial,
          resolve: () => {
            failedAttempts.forEach((reason, i) => onAttemptFailed?.(i + 1, reason));
            resolve(result);
          },
        });
        mostInFlight = Math.max(mostInFlight, running.size);
        step();
      }),
    close: async () => {},
  };
}
