import { MetricInputError } from '../evaluate/errors.js';

/**
 * Checks a pool of true-class probability vectors: equal lengths N ≥ 1 and every value in [0, 1]
 * (the selection kernel relies on each per-point loss being ≥ 0). Returns N (0 for an empty pool).
 */
export function validatePool(trueClassProbs: readonly Float32Array[]): number {
  if (trueClassProbs.length === 0) return 0;
  const numPoints = trueClassProbs[0]!.length;
  if (numPoints === 0) throw new MetricInputError('pool members have no points');
  for (const [member, probs] of trueClassProbs.entries()) {
    if (probs.length !== numPoints) {
      throw new MetricInputError(`pool member ${member} has ${probs.length} points, member 0 has ${numPoints}`);
    }
    for (let i = 0; i < numPoints; i++) {
      const p = probs[i]!;
      if (!(p >= 0 && p <= 1)) throw new MetricInputError(`pool member ${member} point ${i}: probability ${p} is not in [0, 1]`);
    }
  }
  return numPoints;
}

export function validateSize(size: number): void {
  if (!Number.isInteger(size) || size < 0) throw new MetricInputError(`ensemble size must be a non-negative integer, got ${size}`);
}
