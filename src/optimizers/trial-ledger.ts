import type { Trial } from './types.js';

/** Saved state of a {@link TrialLedger}. */
export interface TrialLedgerSnapshot {
  proposed: number;
  inFlight: number[];
}

/**
 * Bookkeeping every optimizer needs: trial ids in proposal order, and which trials are still
 * running, so a stray or repeated tell() fails loudly instead of corrupting the search.
 */
export class TrialLedger {
  private proposedCount: number;
  private readonly running: Set<number>;

  constructor(snapshot?: TrialLedgerSnapshot) {
    this.proposedCount = snapshot?.proposed ?? 0;
    this.running = new Set(snapshot?.inFlight ?? []);
  }

  /** Trials proposed so far; also the id of the next one. */
  get proposed(): number {
    return this.proposedCount;
  }

  get inFlight(): number {
    return this.running.size;
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

  snapshot(): TrialLedgerSnapshot {
    return { proposed: this.proposedCount, inFlight: [...this.running].sort((a, b) => a - b) };
  }
}

/** Checks a restore target: right optimizer kind and format version. */
export function checkSnapshotKind(snapshot: unknown, kind: string, version: number): void {
  const header = snapshot as { kind?: unknown; version?: unknown } | null;
  if (header?.kind !== kind || header.version !== version) {
    throw new Error(`cannot restore ${kind} v${version} from a snapshot of ${JSON.stringify(header?.kind)} v${JSON.stringify(header?.version)}`);
  }
}

/** Checks a proposal budget. */
export function checkBudget(budget: number, what = 'budget'): void {
  if (!Number.isInteger(budget) || budget < 0) throw new RangeError(`${what} must be a non-negative integer, got ${budget}`);
}
