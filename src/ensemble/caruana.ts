import { addInto, summedNll } from './nll-kernel.js';
import { validatePool, validateSize } from './pool.js';

export interface CaruanaSelection {
  /** Pool indices in order of selection; a member may repeat. Length = size (0 for an empty pool). */
  members: number[];
  /** Per pool member: times selected / size. Sums to 1 when anything was selected. */
  weights: number[];
}

/**
 * Caruana et al. (2004) ensemble selection WITH replacement. Starts from the member with the lowest
 * NLL; each step adds (possibly again) the member minimising the NLL of the count-weighted average
 * of true-class probabilities (clipped at PROBABILITY_FLOOR). Ties go to the lower pool index.
 */
export function caruanaSelect(trueClassProbs: Float32Array[], size: number): CaruanaSelection {
  validateSize(size);
  const numPoints = validatePool(trueClassProbs);
  const poolSize = trueClassProbs.length;
  const counts = new Array<number>(poolSize).fill(0);
  const members: number[] = [];
  if (poolSize === 0) return { members, weights: counts };

  const runningSum = new Float64Array(numPoints);
  for (let step = 0; step < size; step++) {
    const scale = 1 / (step + 1);
    let best = 0;
    let bestScore = Infinity;
    for (let candidate = 0; candidate < poolSize; candidate++) {
      // Strict < keeps the lower index on ties; abandoned candidates score Infinity.
      const score = summedNll(runningSum, trueClassProbs[candidate]!, scale, bestScore);
      if (score < bestScore) [best, bestScore] = [candidate, score];
    }
    members.push(best);
    counts[best]!++;
    addInto(runningSum, trueClassProbs[best]!);
  }
  return { members, weights: counts.map((count) => (size === 0 ? 0 : count / size)) };
}
