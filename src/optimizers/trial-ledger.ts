import type { Trial } from './types.js';

/**
 * Bookkeeping every optimizer needs: trial ids in proposal order, and which trials are still
 * running, so a stray or repeated tell() fails loudly instead of corrupting the search.
 */
export class TrialLedger {
  private proposedCount = 0;
  private readonly running = new Set<number>();

  /**
   * `ids` hands out trial ids; an optimizer wrapped by another (multi-fidelity search) shares the
   * wrapper's, so the trials of both are numbered in one sequence.
   */
  constructor(private readonly ids: TrialIds = new TrialIds()) {}

  /** Trials this ledger proposed so far (without a shared id source, also the id of the next one). */
  get proposed(): number {
    return this.proposedCount;
  }

  /** Reserves the next trial id. */
  open(): number {
    const id = this.ids.next();
    this.proposedCount++;
    this.running.add(id);
    return id;
  }

  /** Marks a trial as reported; throws if it was never proposed or was already reported. */
  close(trial: Trial): void {
    if (!this.running.delete(trial.id)) {
      throw new Error(`tell() for trial ${trial.id}, which is not running (${this.proposedCount} proposed so far)`);
    }
  }
}

/** Checks a proposal budget. */
export function checkBudget(budget: number, what = 'budget'): void {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`${what} must be a non-negative integer, got ${budget}`);
}

/** Trial ids 0, 1, 2, … in order of proposal. */
export class TrialIds {
  private count = 0;

  next(): number {
    return this.count++;
  }
}
