import type { Genotype } from '../space/types.js';

/** A candidate the optimizer wants trained. Plain JSON: it goes into the journal as is. */
export interface Trial {
  /** 0, 1, 2, … in order of proposal, unique within a run. */
  id: number;
  genotype: Genotype;
  /** Seed of the training (weight init, batch order). */
  seed: number;
  /** Free-form provenance for the journal, e.g. { parent: 12, mutation: "op" }. */
  origin?: Record<string, unknown>;
}

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
 * asks and tells of the run journal into a fresh one (search/ask-tell-loop.ts).
 */
export interface Optimizer {
  ask(): Trial | 'wait' | null;
  tell(trial: Trial, result: TrialResult): void;
}
