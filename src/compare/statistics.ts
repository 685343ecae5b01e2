/** Mean and standard error of the mean over repeats (seeds). */
export interface MeanSe {
  mean: number;
  /** Sample standard deviation / √n; null with a single repeat (nothing to estimate it from). */
  se: number | null;
  n: number;
}

export function meanSe(values: number[]): MeanSe {
  const n = values.length;
  if (n === 0) throw new RangeError('meanSe of no values');
  const mean = values.reduce((sum, v) => sum + v, 0) / n;
  if (n === 1) return { mean, se: null, n };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  return { mean, se: Math.sqrt(variance / n), n };
}
