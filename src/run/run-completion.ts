import type { JournalEvent } from './journal.js';

/**
 * How a run's last part ended, from its journal: `finished` when it wrote run-finished, and
 * `timeLimited` when the time limit stopped its trainings before that (the run then ended short
 * of its budget: it has results, yet a resume goes on training). A part begins at each
 * run-started or run-resumed line.
 */
export interface RunCompletion {
  /** The time of the last part's run-finished line; undefined when the run did not finish. */
  finishedAt?: string;
  timeLimited: boolean;
}

export function runCompletion(events: JournalEvent[]): RunCompletion {
  let finishedAt: string | undefined;
  let timeLimited = false;
  for (const event of events) {
    if (event.event === 'run-started' || event.event === 'run-resumed') {
      finishedAt = undefined;
      timeLimited = false;
    } else if (event.event === 'time-limit-reached') timeLimited = true;
    else if (event.event === 'run-finished') finishedAt = event.time;
  }
  return { finishedAt, timeLimited };
}

/** Done: finished with its whole budget trained (a time-limited run is not done). */
export function isRunDone(completion: RunCompletion): boolean {
  return completion.finishedAt !== undefined && !completion.timeLimited;
}
