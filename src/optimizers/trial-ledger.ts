import type { Trial } from './types.js';

/**
 * Bookkeeping every optimizer needs: trial ids in proposal order, and which trials are still
 * running, so a stray or repeated tell() fails loudly instead of corrupting the search.
 */
export class TrialLedger {
  private proposedCount = 0;
  private readonly running = new Set<number>();

  /** Trials proposed so far; also the id of the next one. */
  get proposed(): number {
    return this.proposedCount;
  }

  /** Reserves the next trial id. */
  open(): number {
    const id = this.proposedCount++;
    this.running.add(id);
    return id;
  }

  /** Marks a trial as reported; throws if it was never proposed or was already reported. */
  close(trial: Trial): void {
    if (!this.running.delete(trial.id)) {
      throw new Error(`tell() for trial ${trial.id}, which is not running (proposed ${this.proposedCount} so far)`);
    }
  }
}

/** Checks a proposal budget. */
export function checkBudget(budget: number, what = 'budget'): void {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`${what} must be a non-negative integer, got ${budget}`);
}
