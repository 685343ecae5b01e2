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
}

/**
 * How an optimizer came to propose a trial; `source` tells the kinds apart.
 * - random: a uniform sample of the space (NES-RS; NES-RE's initial population);
 * - mutation: NES-RE's child of `parent`, picked among the ForwardSelect `candidates` (trial ids)
 *   on validation data at `severity`, changed as `mutation` says;
 * - fixed: member `member` (0, 1, …) of a fixed architecture with its own seed (the DeepEns
 *   baselines), `architecture` being its genotype id.
 */
export type TrialOrigin =
  | { source: 'random' }
  | { source: 'mutation'; parent: number; severity: number; candidates: number[]; mutation: Mutation }
  | { source: 'fixed'; architecture: string; member: number };

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
