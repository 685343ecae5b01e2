import { storageError } from './storage-error.js';
import { availableParallelism } from 'node:os';
import { BroadcastChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { threadExecArgv } from './thread-exec-argv.js';
import type { ExecutorOptions, ExecutorResult, TrainingExecutor } from './executor.js';
import type { TrainOutcome, TrainProgress, TrainTask } from './types.js';

export interface FarmOptions extends ExecutorOptions {
  /** Worker threads; default one per CPU core. The data sets go to every worker once (shared, not copied). */
  workers?: number;
  /** The worker module; tests swap in fault-injecting workers. Default: ./training-thread.js (not worker.js: piscina keeps its own thread entry under that name beside its code, which collides in a bundle, bench/gpu/). */
  workerFile?: URL;
  /**
   * JavaScript heap limit per worker thread, in MiB: a thread that exceeds it dies alone (its task
   * is retried) instead of taking the whole search down. Default: Node's own limit.
   */
  workerHeapMb?: number;
}

export type FarmResult = ExecutorResult;

/**
 * Trains candidates on piscina worker threads, one training per thread at a time.
 * A task whose worker throws, exits or times out is retried up to maxAttempts; every failed
 * attempt is reported through onAttemptFailed so the caller can journal it.
 */
export class TrainingFarm implements TrainingExecutor {
  readonly concurrency: number;
  private readonly threads: Piscina;
  private readonly channel: BroadcastChannel;
  readonly progressChannel = `nes-progress-${process.pid}-${Date.now()}`;

  constructor(private readonly options: FarmOptions) {
    this.concurrency = options.workers ?? availableParallelism();
    const workerFile =
      options.workerFile ?? new URL(`./training-thread${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);
    this.threads = new Piscina({
      filename: workerFile.href,
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { engine: options.engine, data: options.data },
      execArgv: threadExecArgv(),
      ...(options.workerHeapMb === undefined ? {} : { resourceLimits: { maxOldGenerationSizeMb: options.workerHeapMb } }),
    });
    this.channel = new BroadcastChannel(this.progressChannel);
    this.channel.onmessage = (message) => options.onProgress?.((message as unknown as { data: TrainProgress }).data);
  }

  async train(
    task: Omit<TrainTask, 'progressChannel'>,
    onAttemptFailed: (attempt: number, reason: string) => void = () => {},
  ): Promise<FarmResult> {
    for (let attempt = 1; ; attempt++) {
      const abort = new AbortController();
      const timer = setTimeout(() => abort.abort(), this.options.taskTimeoutMs);
      try {
        const outcome = (await this.threads.run(
          { ...task, progressChannel: this.progressChannel },
          { signal: abort.signal },
        )) as TrainOutcome;
        return { ...outcome, attempts: attempt };
      } catch (error) {
        const storage = storageError(error, task.memberDir);
        if (storage) throw storage;
        const reason = abort.signal.aborted
          ? `timed out after ${this.options.taskTimeoutMs / 1000} s`
          : describe(error);
        if (abort.signal.aborted || attempt >= this.options.maxAttempts) {
          return { status: 'failed', reason, attempts: attempt };
        }
        onAttemptFailed(attempt, reason);
      } finally {
        clearTimeout(timer);
      }
    }
  }

  async close(): Promise<void> {
    this.channel.close();
    await this.threads.destroy();
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
