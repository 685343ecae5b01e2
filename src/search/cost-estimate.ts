/**
 * What the rest of a search will cost, in wall-clock seconds: (epochs left × training seconds
 * per epoch + trainings left × predicting seconds per training) ÷ workers. A training predicts its
 * evaluation sets once whatever its length, so a multi-fidelity method's many short legs are not
 * priced as full trainings (issue 18). The rates are measured on trainings finished earlier in
 * this run (a resume) or on the first one this invocation finishes; before either, they are
 * unknown and no total is guessed.
 */
export interface CostEstimate {
  /** 'start': printed once the executor exists; 'measured': after the first training finishes. */
  phase: 'start' | 'measured';
  /** Trainings left: networks, or a multi-fidelity method's legs. */
  networks: number;
  /** Epochs those trainings train. */
  epochs: number;
  workers: number;
  /** Undefined until a training has been measured. */
  rates?: { trainSecondsPerEpoch: number; predictSecondsPerTraining: number };
  /** What the rates were measured on. */
  basis: 'unknown' | 'earlier networks' | 'first network';
  /** Some method is rs-sh or re-sh: trainings differ in length, so the line speaks of epochs. */
  multiFidelity: boolean;
  /** execution.timeLimitSeconds, when set. */
  limitSeconds?: number;
}

/** The wall-clock seconds the estimate comes to, or undefined while unknown. */
export function estimatedSeconds(estimate: CostEstimate): number | undefined {
  if (!estimate.rates) return undefined;
  const { trainSecondsPerEpoch, predictSecondsPerTraining } = estimate.rates;
  return (estimate.epochs * trainSecondsPerEpoch + estimate.networks * predictSecondsPerTraining) / Math.max(1, estimate.workers);
}

/** One line, saying honestly what the estimate rests on. */
export function describeCostEstimate(estimate: CostEstimate): string {
  const { networks, epochs, multiFidelity } = estimate;
  const workers = `${estimate.workers} worker${estimate.workers === 1 ? '' : 's'}`;
  const limit = estimate.limitSeconds === undefined ? '' : `; time limit ${formatDuration(estimate.limitSeconds)}`;
  const left = estimate.phase === 'measured' ? ' left' : '';
  const work = multiFidelity ? `${networks} trainings${left} (legs of the fidelity ladder, ${epochs} epochs in all)` : `${networks} networks${left}`;
  const seconds = estimatedSeconds(estimate);
  if (seconds === undefined) {
    const unit = multiFidelity ? 'training' : 'network';
    return `cost estimate: ${work} to train on ${workers}; seconds per ${unit} unknown until the first one finishes${limit}`;
  }
  if (networks === 0) return `cost estimate: nothing left to train${limit}`;
  const { trainSecondsPerEpoch, predictSecondsPerTraining } = estimate.rates!;
  if (multiFidelity) {
    const basis = estimate.basis === 'first network' ? 'measured on the first training' : 'means of the trainings before';
    return `cost estimate: ${work} × ${trainSecondsPerEpoch.toFixed(1)} s per epoch + ${predictSecondsPerTraining.toFixed(1)} s predicting per training (${basis}) ÷ ${workers} ≈ ${formatDuration(seconds)}${limit}`;
  }
  // Every training is the whole schedule: per network reads better than per epoch.
  const per = ((epochs / networks) * trainSecondsPerEpoch + predictSecondsPerTraining).toFixed(1);
  const basis = estimate.basis === 'first network' ? 'measured on the first network' : 'mean of the networks trained before';
  return `cost estimate: ${work} × ${per} s per network (${basis}: training + predicting) ÷ ${workers} ≈ ${formatDuration(seconds)}${limit}`;
}

export function formatDuration(seconds: number): string {
  if (seconds > 0 && seconds < 1) return `${Number(seconds.toPrecision(2))} s`;
  if (seconds < 90) return `${seconds.toFixed(0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(2)} h`;
}
