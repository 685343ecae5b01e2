import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { nll } from '../evaluate/metrics.js';
import type { ProbsBySeverity } from '../run/member-files.js';
import type { FailedTrial } from '../run/results-types.js';
import { networkOf, type Trial, type TrialFidelity, type TrialResult } from '../optimizers/types.js';
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
  /** The network it trains: its own trial id, or a promotion's first leg (optimizers networkOf). */
  network: number;
  /** A multi-fidelity leg: the rung it reached and the schedule's epochs trained by then. */
  fidelity?: TrialFidelity;
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
    network: networkOf(trial),
    ...(trial.fidelity ? { fidelity: trial.fidelity } : {}),
  };
}

/**
 * Each network once, at the highest rung it reached (a multi-fidelity method's latest finished
 * leg), in pool order: what ensembles are chosen from. A pool without legs is returned as is.
 */
export function latestLegs(members: PoolMember[]): PoolMember[] {
  const latest = new Map<number, PoolMember>();
  for (const member of members) {
    const seen = latest.get(member.network);
    if (!seen || (member.fidelity?.rung ?? 0) > (seen.fidelity?.rung ?? 0)) latest.set(member.network, member);
  }
  return members.filter((member) => latest.get(member.network) === member);
}

/**
 * Epochs each member's training added (in pool order): the whole schedule, or for a leg its epochs
 * less those of its network's previous leg in the pool.
 */
export function trainedEpochs(members: PoolMember[], scheduleEpochs: number): number[] {
  const reached = new Map<number, number>();
  return [...members]
    .map((member, index) => ({ member, index }))
    .sort((a, b) => a.member.trialId - b.member.trialId)
    .map(({ member, index }) => {
      const epochs = member.fidelity?.epochs ?? scheduleEpochs;
      const before = reached.get(member.network) ?? 0;
      reached.set(member.network, Math.max(before, epochs));
      return { index, epochs: Math.max(0, epochs - before) };
    })
    .sort((a, b) => a.index - b.index)
    .map(({ epochs }) => epochs);
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
