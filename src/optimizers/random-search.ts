import { sampleGenotype } from '../space/sample.js';
import type { SearchSpace } from '../space/types.js';
import { createRng, drawSeed, type Rng, type RngState } from '../util/rng.js';
import { TrialLedger, checkBudget, checkSnapshotKind, type TrialLedgerSnapshot } from './trial-ledger.js';
import type { ResumableOptimizer, Trial, TrialResult } from './types.js';

export interface RandomSearchOptions {
  space: SearchSpace;
  /** Number of networks to propose (K). */
  budget: number;
  seed: string | number;
}

export interface RandomSearchSnapshot {
  kind: 'random-search';
  version: 1;
  rng: RngState;
  ledger: TrialLedgerSnapshot;
}

/**
 * NES-RS: `budget` independent uniform samples of the space, each with its own training seed drawn
 * from the same seeded stream. Results do not steer it, so it never waits.
 */
export class RandomSearch implements ResumableOptimizer {
  readonly name = 'nes-rs';
  private readonly rng: Rng;
  private readonly ledger: TrialLedger;

  constructor(
    private readonly options: RandomSearchOptions,
    resumeFrom?: RandomSearchSnapshot,
  ) {
    checkBudget(options.budget);
    this.rng = createRng(options.seed, resumeFrom?.rng);
    this.ledger = new TrialLedger(resumeFrom?.ledger);
  }

  /** Rebuilds a search from {@link snapshot}; `options` must be the ones of the original run. */
  static restore(options: RandomSearchOptions, snapshot: unknown): RandomSearch {
    checkSnapshotKind(snapshot, 'random-search', 1);
    return new RandomSearch(options, snapshot as RandomSearchSnapshot);
  }

  ask(): Trial | null {
    if (this.ledger.proposed >= this.options.budget) return null;
    const genotype = sampleGenotype(this.options.space, this.rng);
    const seed = drawSeed(this.rng);
    return { id: this.ledger.open(), genotype, seed, origin: { source: 'random' } };
  }

  tell(trial: Trial, _result: TrialResult): void {
    this.ledger.close(trial);
  }

  snapshot(): RandomSearchSnapshot {
    return { kind: 'random-search', version: 1, rng: this.rng.state(), ledger: this.ledger.snapshot() };
  }
}
