import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { nll } from '../evaluate/metrics.js';
import type { ProbsBySeverity } from '../run/member-files.js';
import type { FailedTrial } from '../run/results-types.js';
import type { Trial, TrialResult } from '../optimizers/types.js';
import { genotypeId } from '../space/id.js';
import type { Genotype } from '../space/types.js';

/** Defined with results.json, which lists them. */
export type { FailedTrial } from '../run/results-types.js';

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
  /** Training seconds, and seconds predicting the evaluation sets. */
  seconds: number;
  predictSeconds: number;
  lossCurve: number[];
}

export interface MethodPool {
  method: string;
  members: PoolMember[];
  failed: FailedTrial[];
}

/** A pool member from its trial and what its training produced (fresh, or read back from its files). */
export function toPoolMember(
  trial: Trial,
  trained: { validationProbs: ProbsBySeverity; testProbs: ProbsBySeverity; seconds: number; predictSeconds: number; lossCurve: number[] },
  validationLabels: Uint8Array,
  numClasses: number,
): PoolMember {
  return {
    trialId: trial.id,
    genotype: trial.genotype,
    genotypeId: genotypeId(trial.genotype),
    seed: trial.seed,
    validationProbs: trained.validationProbs,
    testProbs: trained.testProbs,
    validationNll: nll(trained.validationProbs[0]!, validationLabels, numClasses),
    seconds: trained.seconds,
    predictSeconds: trained.predictSeconds,
    lossCurve: trained.lossCurve,
  };
}

/** What scoring a member's validation predictions needs. */
export interface MemberLabels {
  validation: Uint8Array;
  numClasses: number;
}

/** What the optimizer is told when a trial settles: a failure, or the member's true-class probabilities. */
export function trialResult(settled: { member?: PoolMember; failure?: FailedTrial }, labels: MemberLabels): TrialResult {
  if (!settled.member) return { status: 'failed', reason: settled.failure!.reason };
  return {
    status: 'finished',
    validationTrueClassProbs: new Map(
      Object.entries(settled.member.validationProbs).map(([severity, probs]) => [
        Number(severity),
        trueClassProbabilities(probs, labels.validation, labels.numClasses),
      ]),
    ),
    validationNll: settled.member.validationNll,
  };
}
