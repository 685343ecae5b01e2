import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import type { Trial } from '../optimizers/types.js';
import type { EngineName } from '../util/engine-names.js';

/** One line of runs/<id>/journal.jsonl. */
export type JournalEvent = { time: string } & (
  | { event: 'run-started'; methods: string[]; engine: EngineName; workers: number }
  | { event: 'proposed'; method: string; trial: Trial }
  | { event: 'started'; method: string; trialId: number; attempt: number }
  | { event: 'run-resumed'; engine: EngineName; workers: number }
  | { event: 'adopted'; method: string; trialId: number }
  | {
      event: 'finished';
      method: string;
      trialId: number;
      genotypeId: string;
      validationNll: number;
      seconds: number;
      /** Absent in journals older than this field. */
      predictSeconds?: number;
      lossCurve: number[];
    }
  | { event: 'attempt-failed'; method: string; trialId: number; attempt: number; reason: string }
  /**
   * The executor lost the job of this attempt (Redis restarted without its data) and queued it
   * again as attempt + 1: that training may have run twice. Informational: a resume replays
   * proposals and results only.
   */
  | { event: 'requeued'; method: string; trialId: number; attempt: number; reason: string }
  | { event: 'failed'; method: string; trialId: number; attempt: number; reason: string }
  /**
   * The time limit (execution.timeLimitSeconds, --max-hours) stopped new trainings of this method
   * with `proposed` of its `networks` proposed: the run that follows ends short of its budget and
   * a resume goes on with it.
   */
  | { event: 'time-limit-reached'; method: string; limitSeconds: number; proposed: number; networks: number }
  /** A resume raised the budget (networks per method); config.json holds the new one. */
  | { event: 'budget-changed'; from: number; to: number }
  | { event: 'run-finished'; seconds: number }
);

/** A trial as its `proposed` line records it (readers of a run need no optimizer for it). */
export type JournaledTrial = Extract<JournalEvent, { event: 'proposed' }>['trial'];

type WithoutTime<T> = T extends unknown ? Omit<T, 'time'> : never;

/** Append-only JSON-lines journal; every event is flushed to disk before append() returns. */
export class Journal {
  private readonly fd: number;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  private pending: string | undefined;

  append(event: WithoutTime<JournalEvent>): void {
    const line = JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n';
    try {
      writeSync(this.fd, (this.pending ?? '') + line);
      this.pending = undefined;
      fsyncSync(this.fd);
    } catch (error) {
      // Writes through a descriptor fail without a path (a full disk: "ENOSPC: no space left on
      // device, write"); the error report names the file and the fix only when it has one.
      const failure = error as NodeJS.ErrnoException;
      if (failure.path === undefined) failure.path = this.path;
      throw failure;
    }
  }

  /**
   * Writes `event` (stamped now) just before the next append, or never if none follows: a resume
   * that fails while checking the run leaves the journal as it was (issue 19, item 12).
   */
  appendBeforeNext(event: WithoutTime<JournalEvent>): void {
    this.pending = JSON.stringify({ time: new Date().toISOString(), ...event }) + '\n';
  }

  close(): void {
    closeSync(this.fd);
  }
}
