/**
 * What the rest of a search will cost, in wall-clock seconds: networks left × seconds per network
 * ÷ workers. Seconds per network are measured (training + predicting), on networks trained
 * earlier in this run (a resume) or on the first one this invocation finishes; before either,
 * they are unknown and no total is guessed.
 */
export interface CostEstimate {
  /** 'start': printed once the executor exists; 'measured': after the first network finishes. */
  phase: 'start' | 'measured';
  networks: number;
  workers: number;
  /** Undefined until a network has been measured. */
  secondsPerNetwork?: number;
  /** What secondsPerNetwork was measured on. */
  basis: 'unknown' | 'earlier networks' | 'first network';
  /** execution.timeLimitSeconds, when set. */
  limitSeconds?: number;
}

/** The wall-clock seconds the estimate comes to, or undefined while unknown. */
export function estimatedSeconds(estimate: CostEstimate): number | undefined {
  if (estimate.secondsPerNetwork === undefined) return undefined;
  return (estimate.networks * estimate.secondsPerNetwork) / Math.max(1, estimate.workers);
}

/** One line, saying honestly what the estimate rests on. */
export function describeCostEstimate(estimate: CostEstimate): string {
  const { networks } = estimate;
  const workers = `${estimate.workers} worker${estimate.workers === 1 ? '' : 's'}`;
  const limit = estimate.limitSeconds === undefined ? '' : `; time limit ${formatDuration(estimate.limitSeconds)}`;
  const left = estimate.phase === 'measured' ? ' left' : '';
  const seconds = estimatedSeconds(estimate);
  if (seconds === undefined) {
    return `cost estimate: ${networks} networks to train on ${workers}; seconds per network unknown until the first one finishes${limit}`;
  }
  const per = estimate.secondsPerNetwork!.toFixed(1);
  const basis = estimate.basis === 'first network' ? 'measured on the first network' : 'mean of the networks trained before';
  return `cost estimate: ${networks} networks${left} × ${per} s per network (${basis}: training + predicting) ÷ ${workers} ≈ ${formatDuration(seconds)}${limit}`;
}

export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}
