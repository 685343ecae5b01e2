import { argmaxRow } from './argmax.js';
import { validateBins, validateProbsAndLabels, type LabelArray } from './validate.js';

export interface ReliabilityBin {
  lower: number;
  upper: number;
  count: number;
  /** Mean top-label confidence of the bin's points; NaN for an empty bin. */
  meanConfidence: number;
  /** Fraction of the bin's points whose argmax is the label; NaN for an empty bin. */
  accuracy: number;
}

/**
 * Bin of a top-label confidence: equal-width bins (b/B, (b+1)/B] over (0, 1], so exactly 1.0 lands
 * in the last bin and a boundary value in the bin below it; confidence 0 goes to the first bin.
 * conf·B is exact in double for a float32 conf, so boundaries are decided on the stored value.
 */
export function binOf(confidence: number, bins: number): number {
  if (!(confidence > 0)) return 0;
  return Math.min(bins - 1, Math.ceil(confidence * bins) - 1);
}

/** Per-bin count, mean confidence and accuracy of the top-label prediction (argmax, ties to lower class). */
export function reliability(probs: Float32Array, labels: LabelArray, numClasses: number, bins = 15): ReliabilityBin[] {
  validateProbsAndLabels(probs, labels, numClasses);
  validateBins(bins);
  const counts = new Float64Array(bins);
  const confidenceSums = new Float64Array(bins);
  const correctCounts = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const predicted = argmaxRow(probs, i * numClasses, numClasses);
    const confidence = probs[i * numClasses + predicted]!;
    const bin = binOf(confidence, bins);
    counts[bin]!++;
    confidenceSums[bin]! += confidence;
    if (predicted === labels[i]) correctCounts[bin]!++;
  }
  return Array.from({ length: bins }, (_, bin) => ({
    lower: bin / bins,
    upper: (bin + 1) / bins,
    count: counts[bin]!,
    meanConfidence: counts[bin]! > 0 ? confidenceSums[bin]! / counts[bin]! : Number.NaN,
    accuracy: counts[bin]! > 0 ? correctCounts[bin]! / counts[bin]! : Number.NaN,
  }));
}

/** Expected calibration error: Σ over non-empty bins of (count/N)·|accuracy − meanConfidence|. */
export function ece(probs: Float32Array, labels: LabelArray, numClasses: number, bins = 15): number {
  let total = 0;
  for (const bin of reliability(probs, labels, numClasses, bins)) {
    if (bin.count > 0) total += (bin.count / labels.length) * Math.abs(bin.accuracy - bin.meanConfidence);
  }
  return total;
}
