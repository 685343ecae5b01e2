import { predictedClasses } from './argmax.js';
import { ece } from './calibration.js';
import { MetricInputError } from './errors.js';
import { averageProbs, brier, errorRate, nll, normalizeWeights } from './metrics.js';
import { clippedNegativeLog } from './probability-floor.js';
import { validateBins, validateLabels, validateNumClasses, type LabelArray } from './validate.js';

export interface MemberMetrics {
  nll: number;
  error: number;
  ece: number;
  brier: number;
}

export interface EnsembleEvaluation {
  /** Metrics of the (weighted) averaged probabilities. */
  nll: number;
  error: number;
  ece: number;
  brier: number;
  /** −mean log of, per point, the highest true-class probability among members with weight > 0. */
  oracleNll: number;
  /** Weighted (normalised weights; uniform by default) means of the member metrics. */
  avgMemberNll: number;
  avgMemberError: number;
  avgMemberEce: number;
  /**
   * Mean over unordered pairs of distinct members with weight > 0 of the fraction of points where
   * their argmax differ (0 with fewer than two such members). Unweighted, as in the NES code.
   */
  disagreement: number;
  /**
   * NES / Fort et al. (2019) convention: mean over the same pairs of d_jk / ((err_j + err_k)/2),
   * i.e. each pair's disagreement divided by its mean error (1 − mean accuracy). A pair with zero
   * error on both sides necessarily agrees everywhere and contributes 0.
   */
  normalizedDisagreement: number;
  /**
   * Diversity (ambiguity) term of the log-loss: avgMemberNll − nll, the Jensen gap of −log, ≥ 0
   * (up to the 1e-12 probability floor, which can make it slightly negative when members put
   * near-zero mass on the true class).
   */
  ambiguity: number;
  /** Per member, in input order (including zero-weight members). */
  members: MemberMetrics[];
}

export interface EvaluateEnsembleOptions {
  /** ECE bins (default 15; the NES code uses 10). */
  bins?: number;
  /** One non-negative weight per member, normalised by their sum; default uniform. */
  weights?: number[];
}

/** Ensemble-level metrics of members' N×C probabilities; argmax ties go to the lower class index. */
export function evaluateEnsemble(
  members: Float32Array[],
  labels: LabelArray,
  numClasses: number,
  options: EvaluateEnsembleOptions = {},
): EnsembleEvaluation {
  const bins = options.bins ?? 15;
  validateEnsembleInputs(members, labels, numClasses, bins);
  const weights = normalizeWeights(members.length, options.weights);

  const memberMetrics = members.map((probs) => ({
    nll: nll(probs, labels, numClasses),
    error: errorRate(probs, labels, numClasses),
    ece: ece(probs, labels, numClasses, bins),
    brier: brier(probs, labels, numClasses),
  }));
  const ensembleProbs = averageProbs(members, weights);
  const ensembleNll = nll(ensembleProbs, labels, numClasses);
  const weightedMean = (metric: keyof MemberMetrics): number =>
    memberMetrics.reduce((total, metrics, index) => total + weights[index]! * metrics[metric], 0);
  const active = members.map((_, index) => index).filter((index) => weights[index]! > 0);
  const avgMemberNll = weightedMean('nll');

  return {
    nll: ensembleNll,
    error: errorRate(ensembleProbs, labels, numClasses),
    ece: ece(ensembleProbs, labels, numClasses, bins),
    brier: brier(ensembleProbs, labels, numClasses),
    oracleNll: oracleNll(active.map((index) => members[index]!), labels, numClasses),
    avgMemberNll,
    avgMemberError: weightedMean('error'),
    avgMemberEce: weightedMean('ece'),
    ...pairwiseDisagreement(
      active.map((index) => members[index]!),
      active.map((index) => memberMetrics[index]!.error),
      numClasses,
    ),
    ambiguity: avgMemberNll - ensembleNll,
    members: memberMetrics,
  };
}

function validateEnsembleInputs(members: Float32Array[], labels: LabelArray, numClasses: number, bins: number): void {
  if (members.length === 0) throw new MetricInputError('an ensemble needs at least one member');
  validateNumClasses(numClasses);
  validateBins(bins);
  if (labels.length === 0) throw new MetricInputError('labels are empty: metrics need at least one point');
  validateLabels(labels, numClasses);
  const expected = labels.length * numClasses;
  for (const [index, probs] of members.entries()) {
    if (probs.length !== expected) {
      throw new MetricInputError(
        `member ${index} has ${probs.length} probabilities, expected labels.length × numClasses = ${labels.length} × ${numClasses} = ${expected}`,
      );
    }
  }
}

function oracleNll(members: Float32Array[], labels: LabelArray, numClasses: number): number {
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (const probs of members) best = Math.max(best, probs[i * numClasses + labels[i]!]!);
    total += clippedNegativeLog(best);
  }
  return total / labels.length;
}

function pairwiseDisagreement(
  members: Float32Array[],
  errors: number[],
  numClasses: number,
): { disagreement: number; normalizedDisagreement: number } {
  if (members.length < 2) return { disagreement: 0, normalizedDisagreement: 0 };
  const predictions = members.map((probs) => predictedClasses(probs, numClasses));
  const numPoints = predictions[0]!.length;
  let disagreementSum = 0;
  let normalizedSum = 0;
  let pairs = 0;
  for (let j = 0; j < members.length; j++) {
    for (let k = j + 1; k < members.length; k++) {
      let differing = 0;
      for (let i = 0; i < numPoints; i++) if (predictions[j]![i] !== predictions[k]![i]) differing++;
      const fraction = differing / numPoints;
      const pairError = (errors[j]! + errors[k]!) / 2;
      disagreementSum += fraction;
      normalizedSum += pairError > 0 ? fraction / pairError : 0;
      pairs++;
    }
  }
  return { disagreement: disagreementSum / pairs, normalizedDisagreement: normalizedSum / pairs };
}
