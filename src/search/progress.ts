import type { TrainProgress } from '../farm/types.js';

/**
 * What the search reports while it runs. search/ defines it and calls it; the CLI implements it
 * (cli/progress.ts draws it), tests record it.
 */
export interface SearchProgress {
  methodStarted(method: string, total: number): void;
  epoch(progress: TrainProgress): void;
  trialDone(method: string, trialId: number, summary: string): void;
  log(line: string): void;
  stop(): void;
}
