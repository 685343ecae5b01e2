import type { EngineChoice } from '../util/engine-names.js';
import type { TrainTask, TrainOutcome, TrainProgress, WorkerDataSets } from './types.js';

export type ExecutorResult =
  | (TrainOutcome & { attempts: number })
  | { status: 'failed'; reason: string; attempts: number };

/**
 * Runs training tasks somewhere: the local piscina farm, or workers on other machines through a
 * queue. The ask/tell loop keeps `concurrency` tasks in flight and knows nothing else about it.
 * Implementations write a finished member's files into task.memberDir before resolving.
 */
export interface TrainingExecutor {
  /** How many trainings to keep in flight. */
  readonly concurrency: number;
  /**
   * Trains one task. onAttemptFailed: an attempt failed and the task is tried again. onRequeued:
   * the executor lost the attempt's job (e.g. Redis restarted without its data) and queued it
   * again; a worker may have trained it in vain. Rejects with a NesInputError when the search
   * cannot go on (a full disk, Redis gone for good): the task is then left to a resume.
   */
  train(
    task: Omit<TrainTask, 'progressChannel'>,
    onAttemptFailed?: (attempt: number, reason: string) => void,
    onRequeued?: (attempt: number, reason: string) => void,
  ): Promise<ExecutorResult>;
  close(): Promise<void>;
}

export interface ExecutorOptions {
  /** The engine the trainings use; 'auto' only towards Redis workers, which each pick their own. */
  engine: EngineChoice;
  data: WorkerDataSets;
  maxAttempts: number;
  taskTimeoutMs: number;
  onProgress?: (progress: TrainProgress) => void;
}
