/**
 * What a method's results say it spent, read the same way by the report and `nes compare`;
 * results written before compute was recorded (issue 18) had every network train the whole
 * schedule, and these readers say so for them.
 */
import type { AnytimePoint, MethodCompute, SearchResults } from './results-types.js';

type MethodEntry = Pick<SearchResults['methods'][string], 'compute' | 'pool'>;

/** The method's `compute`, or for older results the sums over its pool. */
export function methodCompute(entry: MethodEntry, scheduleEpochs: number): MethodCompute {
  if (entry.compute) return entry.compute;
  return {
    epochs: entry.pool.length * scheduleEpochs,
    trainSeconds: entry.pool.reduce((sum, member) => sum + member.seconds, 0),
    predictSeconds: entry.pool.reduce((sum, member) => sum + (member.predictSeconds ?? 0), 0),
  };
}

/** Epochs trained by an anytime point: recorded, or for older results its networks × the schedule. */
export function anytimePointEpochs(point: Pick<AnytimePoint, 'networks' | 'epochs'>, scheduleEpochs: number): number {
  return point.epochs ?? point.networks * scheduleEpochs;
}
