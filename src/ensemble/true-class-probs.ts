import { validateProbsAndLabels, type LabelArray } from '../evaluate/validate.js';

/** Each point's probability of its true class, from row-major N×C probabilities. */
export function trueClassProbabilities(probs: Float32Array, labels: LabelArray, numClasses: number): Float32Array {
  validateProbsAndLabels(probs, labels, numClasses);
  const trueClass = new Float32Array(labels.length);
  for (let i = 0, row = 0; i < labels.length; i++, row += numClasses) trueClass[i] = probs[row + labels[i]!]!;
  return trueClass;
}
