import { MetricInputError } from './errors.js';

/** The true class of each point, 0 … C−1. */
export type LabelArray = Uint8Array | Int32Array;

/** Checks numClasses, that probs is N×C for N = labels.length ≥ 1, and that labels lie in [0, C). */
export function validateProbsAndLabels(probs: Float32Array, labels: LabelArray, numClasses: number, what = 'probs'): void {
  validateNumClasses(numClasses);
  const numPoints = labels.length;
  if (numPoints === 0) throw new MetricInputError('labels are empty: metrics need at least one point');
  if (probs.length !== numPoints * numClasses) {
    throw new MetricInputError(
      `${what} has length ${probs.length}, expected labels.length × numClasses = ${numPoints} × ${numClasses} = ${numPoints * numClasses}`,
    );
  }
  validateLabels(labels, numClasses);
}

export function validateNumClasses(numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new MetricInputError(`numClasses must be a positive integer, got ${numClasses}`);
  }
}

export function validateLabels(labels: LabelArray, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i]!;
    if (label < 0 || label >= numClasses) {
      throw new MetricInputError(`label ${label} at index ${i} is outside [0, ${numClasses})`);
    }
  }
}

export function validateBins(bins: number): void {
  if (!Number.isInteger(bins) || bins < 1) throw new MetricInputError(`bins must be a positive integer, got ${bins}`);
}

/** Weights must be one finite non-negative number per member with a positive sum. */
export function validateWeights(weights: readonly number[], memberCount: number): void {
  if (weights.length !== memberCount) {
    throw new MetricInputError(`weights has ${weights.length} entries, expected one per member (${memberCount})`);
  }
  let total = 0;
  for (const [index, weight] of weights.entries()) {
    if (!Number.isFinite(weight) || weight < 0) {
      throw new MetricInputError(`weight ${weight} at index ${index} must be finite and non-negative`);
    }
    total += weight;
  }
  if (!(total > 0)) throw new MetricInputError('weights must have a positive sum');
}
