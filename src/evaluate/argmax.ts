/** Index of the largest of probs[offset .. offset+numClasses); ties go to the lower class index. */
export function argmaxRow(probs: Float32Array, offset: number, numClasses: number): number {
  let best = 0;
  let bestValue = probs[offset]!;
  for (let c = 1; c < numClasses; c++) {
    const value = probs[offset + c]!;
    if (value > bestValue) [best, bestValue] = [c, value];
  }
  return best;
}

/** Predicted class (argmax, ties to the lower index) of every row of an N×C matrix. */
export function predictedClasses(probs: Float32Array, numClasses: number): Int32Array {
  const numPoints = probs.length / numClasses;
  const predicted = new Int32Array(numPoints);
  for (let i = 0; i < numPoints; i++) predicted[i] = argmaxRow(probs, i * numClasses, numClasses);
  return predicted;
}
