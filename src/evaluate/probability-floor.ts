/**
 * Probabilities are clipped below at this value before taking a log, everywhere in nes (NLL,
 * selection, oracle NLL). A float32 softmax can underflow to exactly 0; clipping caps the NLL of
 * one point at −log(1e-12) ≈ 27.63 instead of Infinity.
 */
export const PROBABILITY_FLOOR = 1e-12;

/** −log(max(p, PROBABILITY_FLOOR)). */
export function clippedNegativeLog(probability: number): number {
  return -Math.log(probability > PROBABILITY_FLOOR ? probability : PROBABILITY_FLOOR);
}
