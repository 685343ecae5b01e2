import { predictedClasses } from '../evaluate/argmax.js';
import { averageProbs } from '../evaluate/metrics.js';

/**
 * What an ensemble says about N inputs. Probabilities are flat N×C arrays in row-major order
 * (class c of input i at [i * numClasses + c], as NumPy's (N, C) arrays); per-input arrays have
 * length N.
 */
export interface EnsemblePrediction {
  /** N, the number of inputs. */
  count: number;
  /** C, the number of classes. */
  numClasses: number;
  /** Weighted mean of the members' softmax probabilities, N×C. */
  meanProbs: Float32Array;
  /** Each member's probabilities, N×C, in manifest order. */
  memberProbs: Float32Array[];
  /** Predictive (total) entropy H[mean p], in nats. */
  entropy: Float32Array;
  /**
   * Epistemic part: H[mean p] − Σ_k w_k H[p_k], the mutual information between the prediction and
   * the member (≥ 0; 0 when all members agree). In nats.
   */
  mutualInformation: Float32Array;
  /** argmax of meanProbs (ties to the lower class). */
  predictedClass: Int32Array;
}

/** Combines member probabilities (N×C each) with weights summing to 1 into an EnsemblePrediction. */
export function combineMembers(memberProbs: Float32Array[], weights: readonly number[], numClasses: number): EnsemblePrediction {
  const meanProbs = averageProbs(memberProbs, weights);
  const count = meanProbs.length / numClasses;
  const entropy = rowEntropies(meanProbs, numClasses);
  const expectedMemberEntropy = new Float64Array(count);
  memberProbs.forEach((probs, k) => {
    const memberEntropy = rowEntropies(probs, numClasses);
    for (let i = 0; i < count; i++) expectedMemberEntropy[i]! += weights[k]! * memberEntropy[i]!;
  });
  const mutualInformation = new Float32Array(count);
  // Jensen's gap is ≥ 0; float rounding can dip a hair below when members agree.
  for (let i = 0; i < count; i++) mutualInformation[i] = Math.max(0, entropy[i]! - expectedMemberEntropy[i]!);
  return { count, numClasses, meanProbs, memberProbs, entropy, mutualInformation, predictedClass: predictedClasses(meanProbs, numClasses) };
}

/** −Σ_c p log p per row (0 log 0 = 0), in nats. */
export function rowEntropies(probs: Float32Array, numClasses: number): Float32Array {
  const count = probs.length / numClasses;
  const entropies = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) {
      const p = probs[i * numClasses + c]!;
      if (p > 0) sum -= p * Math.log(p);
    }
    entropies[i] = sum;
  }
  return entropies;
}
