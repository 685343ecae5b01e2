/**
 * Metrics of one predictive distribution: probs is row-major N×C, labels has N entries in [0, C).
 * Inconsistent inputs throw MetricInputError.
 */
import { argmaxRow } from './argmax.js';
import { MetricInputError } from './errors.js';
import { clippedNegativeLog } from './probability-floor.js';
import { validateProbsAndLabels, validateWeights, type LabelArray } from './validate.js';

export { MetricInputError } from './errors.js';
export { PROBABILITY_FLOOR } from './probability-floor.js';
export { ece, reliability, type ReliabilityBin } from './calibration.js';

/** Mean −log of the true-class probability, clipped below at PROBABILITY_FLOOR (1e-12). */
export function nll(probs: Float32Array, labels: LabelArray, numClasses: number): number {
  validateProbsAndLabels(probs, labels, numClasses);
  let total = 0;
  for (let i = 0; i < labels.length; i++) total += clippedNegativeLog(probs[i * numClasses + labels[i]!]!);
  return total / labels.length;
}

/** Fraction of points whose argmax (ties to the lower class index) is not the label. */
export function errorRate(probs: Float32Array, labels: LabelArray, numClasses: number): number {
  validateProbsAndLabels(probs, labels, numClasses);
  let wrong = 0;
  for (let i = 0; i < labels.length; i++) if (argmaxRow(probs, i * numClasses, numClasses) !== labels[i]) wrong++;
  return wrong / labels.length;
}

/** Mean over points of Σ_c (p_c − onehot_c)² (range [0, 2]). */
export function brier(probs: Float32Array, labels: LabelArray, numClasses: number): number {
  validateProbsAndLabels(probs, labels, numClasses);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const row = i * numClasses;
    for (let c = 0; c < numClasses; c++) {
      const difference = probs[row + c]! - (c === labels[i] ? 1 : 0);
      total += difference * difference;
    }
  }
  return total / labels.length;
}

/**
 * Weighted average of the members' probabilities (accumulated in double). Weights default to
 * uniform and are normalised by their sum, so Caruana counts or counts/size both work.
 */
export function averageProbs(members: Float32Array[], weights?: readonly number[]): Float32Array {
  if (members.length === 0) throw new MetricInputError('averageProbs needs at least one member');
  const length = members[0]!.length;
  for (const [index, member] of members.entries()) {
    if (member.length !== length) {
      throw new MetricInputError(`member ${index} has ${member.length} probabilities, member 0 has ${length}`);
    }
  }
  const normalized = normalizeWeights(members.length, weights);
  const sum = new Float64Array(length);
  for (const [index, member] of members.entries()) {
    const weight = normalized[index]!;
    if (weight === 0) continue;
    for (let j = 0; j < length; j++) sum[j]! += weight * member[j]!;
  }
  return Float32Array.from(sum);
}

/** Weights scaled to sum to 1 (uniform when absent). */
export function normalizeWeights(memberCount: number, weights?: readonly number[]): number[] {
  if (weights === undefined) return new Array<number>(memberCount).fill(1 / memberCount);
  validateWeights(weights, memberCount);
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((weight) => weight / total);
}
