import type { Trial } from '../optimizers/types.js';
import type { RunFolder } from '../run/run-folder.js';
import type { EngineName } from '../util/engine-names.js';
import type { FailedTrial, PoolMember } from './pool.js';

/** How a trial ended: a trained member, or a failure after its attempts. */
export type SettledTrial = { trial: Trial; member: PoolMember; failure?: undefined } | { trial: Trial; failure: FailedTrial; member?: undefined };

/**
 * What a search does, in the order it does it. The search emits these and nothing else: the
 * journal (search/journal-sink.ts) and the progress display (search/progress-sink.ts) subscribe.
 */
export type SearchEvent =
  | { type: 'run-opened'; run: RunFolder }
  | { type: 'run-started'; methods: string[]; engine: EngineName; workers: number }
  | { type: 'run-resumed'; engine: EngineName; workers: number }
  | { type: 'method-started'; method: string; networks: number }
  | { type: 'proposed'; method: string; trial: Trial }
  | { type: 'started'; method: string; trialId: number; attempt: number }
  | { type: 'attempt-failed'; method: string; trialId: number; attempt: number; reason: string }
  /** The executor queued a trial again because its job was lost (a Redis restarted without persistence). */
  | { type: 'requeued'; method: string; trialId: number; attempt: number; reason: string }
  /** A trial in flight at the crash whose files turned out complete: taken instead of retrained. */
  | { type: 'adopted'; method: string; trialId: number }
  /** `replayed`: read back from the journal on resume, not ended now (already journaled). */
  | { type: 'trial-settled'; method: string; settled: SettledTrial; replayed: boolean }
  /**
   * The time limit passed while `method` had trainings left to start (`proposed` of `networks`
   * so far): no new one starts, those in flight finish, then the run is evaluated and ends.
   */
  | { type: 'time-limit-reached'; method: string; limitSeconds: number; proposed: number; networks: number }
  /** A resume raised the budget (networks per method) from `from` to `to`: the study grows. */
  | { type: 'budget-changed'; from: number; to: number }
  /**
   * What this invocation has ahead of it, once the executor exists: `networks` (trainings: a
   * multi-fidelity leg is one) and `epochs` still to train over all methods on `workers`, and
   * those trained before with their measured seconds, from which a first cost estimate is made.
   */
  | {
      type: 'search-planned';
      networks: number;
      epochs: number;
      workers: number;
      /** Some method is rs-sh or re-sh: its trainings differ in length. */
      multiFidelity: boolean;
      earlier: { networks: number; epochs: number; trainSeconds: number; predictSeconds: number };
    }
  /** The trainings are over (finished, or stopped by an error): the executor is closed. */
  | { type: 'training-stopped' }
  | { type: 'run-finished'; seconds: number };

export type SearchEventSink = (event: SearchEvent) => void;

/** One sink that hands every event to each of `sinks`, in order. */
export function fanOut(...sinks: SearchEventSink[]): SearchEventSink {
  return (event) => {
    for (const sink of sinks) sink(event);
  };
}
