import { genotypeId } from '../space/id.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import { assertValidGenotype } from '../space/validate.js';
import { createRng, drawSeed, type Rng } from '../util/rng.js';
import { TrialLedger, checkBudget } from './trial-ledger.js';
import type { Optimizer, Trial, TrialResult } from './types.js';

export interface FixedArchitectureOptions {
  genotype: Genotype;
  /** Number of members: the same architecture trained from this many different seeds. */
  count: number;
  seed: string | number;
  /** When given, the genotype is validated against it. */
  space?: SearchSpace;
}

/**
 * The DeepEns baseline: one architecture (e.g. DARTS-V2, or the best one found by random search)
 * proposed `count` times with distinct training seeds.
 */
export class FixedArchitecture implements Optimizer {
  private readonly rng: Rng;
  private readonly ledger = new TrialLedger();
  private readonly seedsUsed = new Set<number>();
  private readonly architectureId: string;

  constructor(private readonly options: FixedArchitectureOptions) {
    checkBudget(options.count, 'count');
    if (options.space) assertValidGenotype(options.space, options.genotype);
    this.architectureId = genotypeId(options.genotype);
    this.rng = createRng(options.seed);
  }

  ask(): Trial | null {
    if (this.ledger.proposed >= this.options.count) return null;
    // Members differ only by their seed, so a repeated seed would be a wasted duplicate.
    let seed = drawSeed(this.rng);
    while (this.seedsUsed.has(seed)) seed = drawSeed(this.rng);
    this.seedsUsed.add(seed);
    const member = this.ledger.proposed;
    return {
      id: this.ledger.open(),
      genotype: structuredClone(this.options.genotype),
      seed,
      origin: { source: 'fixed', architecture: this.architectureId, member },
    };
  }

  tell(trial: Trial, _result: TrialResult): void {
    this.ledger.close(trial);
  }
}
