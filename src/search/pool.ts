import type { ProbsBySeverity } from '../farm/types.js';
import type { Genotype } from '../space/types.js';

/** A trained network of a method's pool, with its cached predictions (N×C softmax per severity). */
export interface PoolMember {
  trialId: number;
  genotype: Genotype;
  genotypeId: string;
  seed: number;
  validationProbs: ProbsBySeverity;
  testProbs: ProbsBySeverity;
  /** Validation NLL on clean data. */
  validationNll: number;
  seconds: number;
  lossCurve: number[];
}

export interface FailedTrial {
  trialId: number;
  genotypeId: string;
  reason: string;
  attempts: number;
}

export interface MethodPool {
  method: string;
  members: PoolMember[];
  failed: FailedTrial[];
}
