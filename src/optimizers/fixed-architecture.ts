import { genotypeId } from '../space/id.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import { assertValidGenotype } from '../space/validate.js';
import { createRng, drawSeed, type Rng, type RngState } from '../util/rng.js';
import { TrialLedger, checkBudget, checkSnapshotKind, type TrialLedgerSnapshot } from './trial-ledger.js';
import type { ResumableOptimizer, Trial, TrialResult } from './types.js';

export interface FixedArchitectureOptions {
  genotype: Genotype;
  /** Number of members: the same architecture trained from this many different seeds. */
  count: number;
  seed: string | number;
  /** When given, the genotype is validated against it. */
  space?: SearchSpace;
}

export interface FixedArchitectureSnapshot {
  kind: 'fixed-architecture';
  version: 1;
  rng: RngState;
  ledger: TrialLedgerSnapshot;
  seedsUsed: number[];
}

/**
 * The DeepEns baseline: one architecture (e.g. DARTS-V2, or the best one found by random search)
 * proposed `count` times with distinct training seeds.
 */
export class FixedArchitecture implements ResumableOptimizer {
  readonly name = 'deep-ens';
  private readonly rng: Rng;
  private readonly ledger: TrialLedger;
  private readonly seedsUsed: Set<number>;
  private readonly architectureId: string;

  constructor(
    private readonly options: FixedArchitectureOptions,
    resumeFrom?: FixedArchitectureSnapshot,
  ) {
    checkBudget(options.count, 'count');
    if (options.space) assertValidGenotype(options.space, options.genotype);
    this.architectureId = genotypeId(options.genotype);
    this.rng = createRng(options.seed, resumeFrom?.rng);
    this.ledger = new TrialLedger(resumeFrom?.ledger);
    this.seedsUsed = new Set(resumeFrom?.seedsUsed ?? []);
  }

  static restore(options: FixedArchitectureOptions, snapshot: unknown): FixedArchitecture {
    checkSnapshotKind(snapshot, 'fixed-architecture', 1);
    return new FixedArchitecture(options, snapshot as FixedArchitectureSnapshot);
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

  snapshot(): FixedArchitectureSnapshot {
    return {
      kind: 'fixed-architecture',
      version: 1,
      rng: this.rng.state(),
      ledger: this.ledger.snapshot(),
      seedsUsed: [...this.seedsUsed],
    };
  }
}
