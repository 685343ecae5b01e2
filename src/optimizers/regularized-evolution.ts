import { forwardSelect } from '../ensemble/forward-select.js';
import { mutate } from '../space/mutate.js';
import { sampleGenotype } from '../space/sample.js';
import type { SearchSpace } from '../space/types.js';
import { createRng, drawSeed, type Rng } from '../util/rng.js';
import { TrialLedger, checkBudget, type TrialIds } from './trial-ledger.js';
import type { Optimizer, Trial, TrialResult } from './types.js';

export interface RegularizedEvolutionOptions {
  space: SearchSpace;
  /** Total networks to propose (K), the initial random ones included. */
  budget: number;
  seed: string | number;
  /** Population size P (paper: 50). The first P proposals are random samples. */
  populationSize?: number;
  /** Parent candidates m chosen by ForwardSelect (paper: 10). */
  parentCandidates?: number;
  /** Validation severities parent selection draws from, uniformly (paper: [0] on Fashion-MNIST, [0, 5] on CIFAR). */
  severities?: number[];
  /** Where trial ids come from (shared when a multi-fidelity search wraps this one). */
  ids?: TrialIds;
}

interface Member {
  trial: Trial;
  /** Validation true-class probabilities per severity. */
  probs: Map<number, Float32Array>;
}

export const DEFAULT_POPULATION_SIZE = 50;
export const DEFAULT_PARENT_CANDIDATES = 10;

/**
 * NES-RE (Zaidi et al., 2021, Algorithm 2): regularized evolution whose parents are picked for how
 * well they ensemble. After P random proposals, each ask() draws a severity uniformly from
 * `severities`, runs ForwardSelect of size m over the population's validation true-class
 * probabilities at that severity, takes a parent uniformly among the m selected, and proposes its
 * mutation. Finished trials join the population in the order they report; beyond P the oldest
 * leaves. Failed trials never join. Returns 'wait' while every proposal is still running.
 */
export class RegularizedEvolution implements Optimizer {
  private readonly rng: Rng;
  private readonly ledger: TrialLedger;
  private readonly population: Member[] = [];
  private readonly populationSize: number;
  private readonly parentCandidates: number;
  private readonly severities: number[];

  constructor(private readonly options: RegularizedEvolutionOptions) {
    checkBudget(options.budget);
    this.ledger = new TrialLedger(options.ids);
    this.populationSize = options.populationSize ?? DEFAULT_POPULATION_SIZE;
    this.parentCandidates = options.parentCandidates ?? DEFAULT_PARENT_CANDIDATES;
    this.severities = options.severities ?? [0];
    if (!Number.isInteger(this.populationSize) || this.populationSize < 1) throw new RangeError(`populationSize must be a positive integer, got ${this.populationSize}`);
    if (!Number.isInteger(this.parentCandidates) || this.parentCandidates < 1) throw new RangeError(`parentCandidates must be a positive integer, got ${this.parentCandidates}`);
    if (this.severities.length === 0) throw new RangeError('severities must list at least one severity');
    this.rng = createRng(options.seed);
  }

  /** Trial ids of the current population, oldest first. */
  populationIds(): number[] {
    return this.population.map((member) => member.trial.id);
  }

  ask(): Trial | 'wait' | null {
    if (this.ledger.proposed >= this.options.budget) return null;
    if (this.ledger.proposed < this.populationSize) {
      const genotype = sampleGenotype(this.options.space, this.rng);
      return { id: this.ledger.open(), genotype, seed: drawSeed(this.rng), origin: { source: 'random' } };
    }
    if (this.population.length === 0) return 'wait';

    const severity = this.rng.choice(this.severities);
    const pool = this.population.map((member) => member.probs.get(severity) as Float32Array);
    const selected = forwardSelect(pool, this.parentCandidates);
    const parent = this.population[this.rng.choice(selected)] as Member;
    const { genotype, mutation } = mutate(this.options.space, parent.trial.genotype, this.rng);
    return {
      id: this.ledger.open(),
      genotype,
      seed: drawSeed(this.rng),
      origin: {
        source: 'mutation',
        parent: parent.trial.id,
        severity,
        candidates: selected.map((index) => this.population[index]!.trial.id),
        mutation,
      },
    };
  }

  tell(trial: Trial, result: TrialResult): void {
    // Failed trials never join the population.
    const member = result.status === 'finished' ? this.toMember(trial, result) : undefined;
    this.ledger.close(trial);
    if (member) this.join(member);
  }

  /**
   * A member trained further (a multi-fidelity promotion): parent selection now reads its better
   * predictions. A member that left the population stays out; its place in the age order is kept.
   */
  update(network: number, result: Extract<TrialResult, { status: 'finished' }>): void {
    const member = this.population.find((entry) => entry.trial.id === network);
    if (member) member.probs = this.toMember(member.trial, result).probs;
  }

  /** Keeps what parent selection needs; throws if a selection severity is missing. */
  private toMember(trial: Trial, result: Extract<TrialResult, { status: 'finished' }>): Member {
    const probs = new Map<number, Float32Array>();
    for (const severity of this.severities) {
      const values = result.validationTrueClassProbs.get(severity);
      if (values === undefined) {
        throw new Error(`trial ${trial.id} reported no validation probabilities at severity ${severity}, which NES-RE selects on`);
      }
      probs.set(severity, values);
    }
    return { trial, probs };
  }

  /** Adds a member as the youngest, retiring the oldest beyond P. */
  private join(member: Member): void {
    this.population.push(member);
    if (this.population.length > this.populationSize) this.population.shift();
  }
}
