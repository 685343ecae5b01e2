import { sampleGenotype } from '../space/sample.js';
import type { SearchSpace } from '../space/types.js';
import { createRng, drawSeed, type Rng } from '../util/rng.js';
import { TrialLedger, checkBudget, type TrialIds } from './trial-ledger.js';
import type { Optimizer, Trial, TrialResult } from './types.js';

export interface RandomSearchOptions {
  space: SearchSpace;
  /** Number of networks to propose (K). */
  budget: number;
  seed: string | number;
  /** Where trial ids come from (shared when a multi-fidelity search wraps this one). */
  ids?: TrialIds;
}

/**
 * NES-RS: `budget` independent uniform samples of the space, each with its own training seed drawn
 * from the same seeded stream. Results do not steer it, so it never waits.
 */
export class RandomSearch implements Optimizer {
  private readonly rng: Rng;
  private readonly ledger: TrialLedger;

  constructor(private readonly options: RandomSearchOptions) {
    checkBudget(options.budget);
    this.ledger = new TrialLedger(options.ids);
    this.rng = createRng(options.seed);
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
}
