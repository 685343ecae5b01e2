import type { TrainProgress } from '../farm/types.js';
import type { CostEstimate } from './cost-estimate.js';

/**
 * What the search reports while it runs. search/ defines it and calls it; the CLI implements it
 * (cli/progress.ts draws it), tests record it.
 */
export interface SearchProgress {
  methodStarted(method: string, total: number): void;
  epoch(progress: TrainProgress): void;
  trialDone(method: string, trialId: number, summary: string): void;
  log(line: string): void;
  /** The cost estimate (cost-estimate.ts): at the start, and measured after the first network. */
  estimate(estimate: CostEstimate): void;
  stop(): void;
}
