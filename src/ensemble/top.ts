import { summedNll } from './nll-kernel.js';
import { validatePool, validateSize } from './pool.js';

/** The min(size, K) members with the lowest single-model NLL, best first; ties go to the lower index. */
export function topSelect(trueClassProbs: Float32Array[], size: number): number[] {
  validateSize(size);
  const numPoints = validatePool(trueClassProbs);
  const empty = new Float64Array(numPoints);
  const scores = trueClassProbs.map((probs) => summedNll(empty, probs, 1));
  return scores
    .map((_, index) => index)
    .sort((a, b) => scores[a]! - scores[b]! || a - b)
    .slice(0, size);
}
