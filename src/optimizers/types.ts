import type { Genotype, Mutation } from '../space/types.js';

/** A candidate the optimizer wants trained. Plain JSON: it goes into the journal as is. */
export interface Trial {
  /** 0, 1, 2, … in order of proposal, unique within a run. */
  id: number;
  genotype: Genotype;
  /** Seed of the training (weight init, batch order). */
  seed: number;
  /** Where the candidate comes from, for the journal (its `proposed` lines) and for reading a run. */
  origin: TrialOrigin;
  /**
   * Multi-fidelity methods only (rs-sh, re-sh): the rung of the fidelity ladder this training
   * reaches and the epochs of the full schedule it has trained when it ends. A promotion continues
   * the network's previous leg (origin.from) from its saved state; without fidelity a trial trains
   * the whole schedule from scratch.
   */
  fidelity?: TrialFidelity;
}

export interface TrialFidelity {
  rung: number;
  epochs: number;
}

/**
 * How an optimizer came to propose a trial; `source` tells the kinds apart.
 * - random: a uniform sample of the space (NES-RS; NES-RE's initial population);
 * - mutation: NES-RE's child of `parent`, picked among the ForwardSelect `candidates` (trial ids)
 *   on validation data at `severity`, changed as `mutation` says;
 * - fixed: member `member` (0, 1, …) of a fixed architecture with its own seed (the DeepEns
 *   baselines), `architecture` being its genotype id;
 * - promotion: network `network` (the trial id of its first leg) trained on to a higher rung,
 *   continuing leg `from` (same genotype and seed).
 */
export type TrialOrigin =
  | { source: 'random' }
  | { source: 'mutation'; parent: number; severity: number; candidates: number[]; mutation: Mutation }
  | { source: 'fixed'; architecture: string; member: number }
  | { source: 'promotion'; network: number; from: number };

/** What the optimizer learns when a trial ends. */
export type TrialResult =
  | {
      status: 'finished';
      /**
       * Per validation severity (0 = clean), each member's probability of the true class on every
       * validation point: all that selection by NLL needs.
       */
      validationTrueClassProbs: Map<number, Float32Array>;
      /** Validation NLL at severity 0, for single-model rankings. */
      validationNll: number;
    }
  | { status: 'failed'; reason: string };

/**
 * Ask/tell interface, as in Optuna. `ask()` returns the next trial, `'wait'` when it cannot propose
 * before a running trial reports back, or `null` when its budget is spent. Implementations are
 * deterministic given their seed and the sequence of ask() and tell() calls, and never touch tfjs:
 * that is what resuming relies on, since a resumed search rebuilds its optimizer by replaying the
 * asks and tells of the run journal into a fresh one (search/scheduler.ts).
 */
export interface Optimizer {
  ask(): Trial | 'wait' | null;
  tell(trial: Trial, result: TrialResult): void;
  /**
   * Optional: network `network`, told before, was trained further and now has `result` (a
   * multi-fidelity search's promotion). NES-RE selects parents on the best fidelity reached.
   */
  update?(network: number, result: Extract<TrialResult, { status: 'finished' }>): void;
}

/** The network a trial trains: its own id, or for a promotion the id of the network's first leg. */
export function networkOf(trial: Pick<Trial, 'id' | 'origin'>): number {
  return trial.origin.source === 'promotion' ? trial.origin.network : trial.id;
}
