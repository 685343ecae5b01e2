import { Queue, QueueEvents, RedisConnection, type Job } from 'bullmq';
import { memberEpochs, writeMemberFiles } from '../../run/member-files.js';
import { runDirOfMember, storageError } from '../storage-error.js';
import type { ExecutorOptions, ExecutorResult, TrainingExecutor } from '../executor.js';
import type { TrainProgress, TrainTask } from '../types.js';
import {
  DEFAULT_PREFIX,
  MEMBER_FORMAT,
  connectionFor,
  decodeMember,
  encodeStartingPoint,
  jobIdFor,
  queueNameForRun,
  redactUrl,
  registryClient,
  registryKey,
  type DatasetReference,
  type TrainJobData,
  type TrainJobResult,
} from './protocol.js';
import { NesInputError } from '../../util/errors.js';
import { DEFAULT_REDIS_TIMEOUT_MS, RedisGoneError, RedisWatch, isConnectionError, type RedisOutage } from './outage.js';

export interface RedisExecutorOptions extends ExecutorOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  url: string;
  runId: string;
  /** How the workers rebuild this run's data (see datasetReference). */
  dataset: DatasetReference;
  /** Jobs kept in flight (queued or training). Default 4; set it to the total worker slots. */
  concurrency?: number;
  /** Key prefix of the BullMQ keys and of the run registry. Default "nes". */
  prefix?: string;
  /** Default queueNameForRun(runId). */
  queueName?: string;
  /** First retry delay; later ones double (exponential backoff). Default 2000 ms. */
  backoffMs?: number;
  /** How often unfinished jobs are also polled, in case an event was missed. Default 5000 ms. */
  pollMs?: number;
  /** How often the queue's entry in the run registry is refreshed. Default 5000 ms. */
  heartbeatMs?: number;
  /** Keep the queue's keys in Redis after close (default: obliterate them). */
  keepQueue?: boolean;
  /** Stop the search when Redis does not answer for this long. Default 60 000 ms. */
  redisTimeoutMs?: number;
  /** Where the one-line reports of a lost and recovered connection go. Default: stderr. */
  log?: (line: string) => void;
  /** Writes a finished member's files (tests inject a full disk here). Default writeMemberFiles. */
  writeMember?: typeof writeMemberFiles;
}

interface Pending {
  jobId: string;
  task: Omit<TrainTask, 'progressChannel'>;
  onAttemptFailed: (attempt: number, reason: string) => void;
  onRequeued: (attempt: number, reason: string) => void;
  /** The job has been added to Redis (until then, its absence there is no loss). */
  queued: boolean;
  /** The attempt now running, as the journal counts it. */
  attempt: number;
  settled: boolean;
  resolve: (result: ExecutorResult) => void;
  /** The search cannot go on (full disk, Redis gone): the trial stays unfinished for a resume. */
  reject: (error: Error) => void;
  promise: Promise<ExecutorResult>;
}

/**
 * Trains on `nes worker` processes anywhere that reach the same Redis, through a BullMQ queue per
 * run (`nes-<runId>`). Each training is one job with id `<method>-<trialId>`: adding it twice is a
 * no-op and its result is recorded once (the member files are written here, by the coordinator,
 * from the job's return value). Attempts and backoff are BullMQ's; a worker that dies mid-job loses
 * its lock and the job is retaken by another worker (stalled-job detection, configured on workers).
 * A job that vanishes from Redis (a restart without persistence) is queued again and reported
 * (onRequeued). The search stops, its unfinished trials left to a resume, when a member cannot be
 * written (StorageError) or Redis does not answer for redisTimeoutMs (RedisGoneError); the queue
 * is then kept, so that a resume takes the results that are in Redis instead of retraining them.
 */
export class RedisExecutor implements TrainingExecutor {
  readonly concurrency: number;
  readonly queueName: string;
  private readonly prefix: string;
  private readonly queue: Queue<TrainJobData, TrainJobResult>;
  private readonly events: QueueEvents;
  private readonly pending = new Map<string, Pending>();
  private readonly poller: NodeJS.Timeout;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly ready: Promise<void>;
  private readonly watch: RedisWatch;
  private readonly writeMember: typeof writeMemberFiles;
  private closed = false;
  /** Why the search stopped (a StorageError or a RedisGoneError), if it did. */
  private stopped: Error | undefined;
  private outage: RedisOutage | undefined;

  constructor(private readonly options: RedisExecutorOptions) {
    this.concurrency = options.concurrency ?? 4;
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.queueName = options.queueName ?? queueNameForRun(options.runId);
    this.writeMember = options.writeMember ?? writeMemberFiles;
    const log = options.log ?? ((line: string) => console.error(`nes: ${line}`));
    this.watch = new RedisWatch({
      url: options.url,
      timeoutMs: options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      log,
      onGiveUp: (outage) => this.redisGone(outage),
      // Back after a restart: find the jobs it lost now rather than at the next poll.
      onRecovered: () => void this.poll(),
    });
    const connection = this.watch.connectionOptions();
    this.queue = new Queue(this.queueName, {
      connection,
      prefix: this.prefix,
      // Completed events carry a member's predictions: keep the event stream short. Missed events
      // are caught by polling.
      streams: { events: { maxLen: 100 } },
    });
    this.events = new QueueEvents(this.queueName, { connection, prefix: this.prefix });
    this.queue.on('error', (error) => this.warn(`queue: ${error.message}`, error));
    this.events.on('error', (error) => this.warn(`queue events: ${error.message}`, error));
    this.events.on('completed', ({ jobId, returnvalue }) => {
      const entry = this.pending.get(jobId);
      if (entry && !entry.settled) void this.finish(entry, parseResult(returnvalue));
    });
    this.events.on('failed', ({ jobId, failedReason }) => {
      const entry = this.pending.get(jobId);
      if (entry && !entry.settled) void this.fail(entry, failedReason);
    });
    this.events.on('delayed', ({ jobId }) => {
      const entry = this.pending.get(jobId);
      if (entry && !entry.settled) void this.attemptFailed(entry);
    });
    this.events.on('stalled', ({ jobId }) => {
      const entry = this.pending.get(jobId);
      if (entry && !entry.settled) this.reportAttemptFailure(entry, 'worker lost: its job lock expired (stalled); the job is retaken');
    });
    this.events.on('progress', ({ jobId, data }) => {
      const entry = this.pending.get(jobId);
      if (entry && !entry.settled && typeof data === 'object' && data !== null) options.onProgress?.(data as TrainProgress);
    });
    this.ready = Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]).then(([queueClient, eventsClient]) => {
      this.watch.track(queueClient);
      this.watch.track(eventsClient);
      return this.register();
    });
    this.ready.catch(() => {});
    this.heartbeat = setInterval(() => void this.register().catch(() => {}), options.heartbeatMs ?? 5000);
    this.heartbeat.unref();
    this.poller = setInterval(() => void this.poll(), options.pollMs ?? 5000);
    this.poller.unref();
  }

  train(
    task: Omit<TrainTask, 'progressChannel'>,
    onAttemptFailed: (attempt: number, reason: string) => void = () => {},
    onRequeued: (attempt: number, reason: string) => void = () => {},
  ): Promise<ExecutorResult> {
    if (this.outage) return Promise.reject(this.goneError(task.memberDir));
    if (this.stopped) return Promise.reject(this.stopped);
    if (this.closed) return Promise.resolve({ status: 'failed', reason: 'the Redis executor is closed', attempts: 0 });
    const jobId = jobIdFor(task);
    const existing = this.pending.get(jobId);
    if (existing) return existing.promise;
    let resolve!: (result: ExecutorResult) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<ExecutorResult>((ok, fail) => ((resolve = ok), (reject = fail)));
    const entry: Pending = { jobId, task, onAttemptFailed, onRequeued, queued: false, attempt: 1, settled: false, resolve, reject, promise };
    this.pending.set(jobId, entry);
    void this.enqueue(entry);
    return promise;
  }

  private async enqueue(entry: Pending): Promise<void> {
    try {
      await this.ready;
      await this.add(entry);
      entry.queued = true;
      // The job may have finished before (e.g. added by an earlier coordinator of this run).
      await this.check(entry);
    } catch (error) {
      this.settle(entry, { status: 'failed', reason: `could not queue the job on Redis: ${describe(error)}`, attempts: entry.attempt });
    }
  }

  private async add(entry: Pending): Promise<void> {
    const { memberDir: _memberDir, startFrom, ...rest } = entry.task;
    const task: TrainJobData['task'] = startFrom ? { ...rest, startFrom: encodeStartingPoint(startFrom) } : rest;
    await this.queue.add(
      'train',
      { task, dataset: this.options.dataset, engine: this.options.engine, taskTimeoutMs: this.options.taskTimeoutMs },
      {
        jobId: entry.jobId,
        attempts: this.options.maxAttempts,
        backoff: { type: 'exponential', delay: this.options.backoffMs ?? 2000 },
        removeOnComplete: false,
        removeOnFail: false,
      },
    );
  }

  /** Looks the job up in Redis and settles the entry if the job has finished. */
  private async check(entry: Pending): Promise<void> {
    // State first, then the job: a job read before its state could finish in between and carry
    // a stale (empty) return value; completion sets state and return value together.
    const state = await this.queue.getJobState(entry.jobId);
    if (entry.settled) return;
    if (state === 'unknown') {
      // Gone from Redis although never finished: Redis restarted without its data (or the queue
      // was cleaned). Queue it again, and say so: a worker may still be training the lost job,
      // whose result Redis will refuse (issue 19, item 5).
      await this.add(entry);
      if (entry.settled) return;
      entry.onRequeued(entry.attempt, 'the job vanished from Redis (restarted without persistence?) and was queued again');
      entry.attempt++;
      return;
    }
    if (state !== 'completed' && state !== 'failed') return;
    const job = await this.queue.getJob(entry.jobId);
    if (entry.settled || !job) return;
    if (state === 'completed') await this.finish(entry, parseResult(job.returnvalue), job);
    else await this.fail(entry, job.failedReason, job);
  }

  private async poll(): Promise<void> {
    // While Redis is away, commands would only pile up; the watch polls once it is back.
    if (this.closed || this.watch.down || this.outage) return;
    for (const entry of this.pending.values()) {
      // Not added yet: enqueue checks it once it is.
      if (entry.settled || !entry.queued) continue;
      try {
        await this.check(entry);
      } catch {
        // Redis unreachable for now: ioredis reconnects, the next poll tries again.
      }
    }
  }

  private async finish(entry: Pending, result: TrainJobResult | undefined, job?: Job): Promise<void> {
    if (entry.settled) return;
    // Settled first: a completion seen twice (event and poll) writes the member files once.
    entry.settled = true;
    const attempts = await this.attemptsOf(entry, job);
    let outcome: ExecutorResult;
    try {
      if (!result) throw new Error('the job finished without a result');
      if (result.status === 'failed') {
        outcome = { status: 'failed', reason: result.reason, attempts };
      } else {
        if (result.format !== MEMBER_FORMAT) throw new Error(`unknown result format "${String(result.format)}"`);
        const member = decodeMember(result.payload);
        try {
          this.writeMember(entry.task.memberDir, { ...member, trialId: entry.task.trial.id, epochs: memberEpochs(entry.task.trial, entry.task.training.epochs) }, this.options.data.numClasses);
        } catch (error) {
          const storage = storageError(error, entry.task.memberDir);
          if (!storage) throw error;
          // Not a failure of the trial: stop the search, and keep the job and its result in Redis
          // for the resume (issue 19, item 2).
          this.stopped ??= storage;
          entry.reject(storage);
          return;
        }
        const { model: _model, ...rest } = member;
        outcome = { status: 'finished', ...rest, attempts };
      }
    } catch (error) {
      outcome = { status: 'failed', reason: `could not record the result of job ${entry.jobId}: ${describe(error)}`, attempts };
    }
    this.resolveEntry(entry, outcome);
    // The member is on disk now: free Redis of its predictions.
    await this.queue.remove(entry.jobId).catch(() => {});
  }

  private async fail(entry: Pending, reason: string | undefined, job?: Job): Promise<void> {
    if (entry.settled) return;
    entry.settled = true;
    this.resolveEntry(entry, { status: 'failed', reason: reason || 'the job failed', attempts: await this.attemptsOf(entry, job) });
  }

  /** A failed attempt that BullMQ will retry after its backoff: report it with the worker's reason. */
  private async attemptFailed(entry: Pending): Promise<void> {
    const job = await this.queue.getJob(entry.jobId).catch(() => undefined);
    this.reportAttemptFailure(entry, job?.failedReason || 'attempt failed');
  }

  private reportAttemptFailure(entry: Pending, reason: string): void {
    if (entry.settled) return;
    entry.onAttemptFailed(entry.attempt, reason);
    entry.attempt++;
  }

  private async attemptsOf(entry: Pending, job?: Job): Promise<number> {
    const fetched = job ?? (await this.queue.getJob(entry.jobId).catch(() => undefined));
    return Math.max(entry.attempt, fetched?.attemptsStarted ?? 0, fetched?.attemptsMade ?? 0);
  }

  private settle(entry: Pending, result: ExecutorResult): void {
    if (entry.settled) return;
    entry.settled = true;
    this.resolveEntry(entry, result);
  }

  private resolveEntry(entry: Pending, result: ExecutorResult): void {
    entry.resolve(result);
  }

  private async register(): Promise<void> {
    if (this.closed) return;
    const client = registryClient(await this.queue.client);
    await client.zadd(registryKey(this.prefix), Date.now(), this.queueName);
  }

  /** Redis did not answer for redisTimeoutMs: every unfinished training is left to a resume. */
  private redisGone(outage: RedisOutage): void {
    this.outage = outage;
    for (const entry of this.pending.values()) {
      if (entry.settled) continue;
      entry.settled = true;
      entry.reject(this.goneError(entry.task.memberDir));
    }
  }

  private goneError(memberDir: string): RedisGoneError {
    const { address, seconds, lastError } = this.outage!;
    return new RedisGoneError(
      `lost Redis at ${address}: no answer for ${seconds} s (${lastError}); the search stopped and nothing finished is lost: ` +
        `once Redis is back, go on with: nes search --resume ${runDirOfMember(memberDir)} (execution.redisTimeoutSeconds or --redis-timeout waits longer)`,
    );
  }

  private warn(message: string, error?: unknown): void {
    // A lost connection is reported once, by the watch; ioredis would repeat it at every retry.
    if (!this.closed && !isConnectionError(error ?? message)) process.emitWarning(`nes redis executor (${this.queueName}): ${message}`);
  }

  /**
   * Stops listening, unregisters the run's queue and (unless keepQueue, or the search stopped
   * short) deletes its keys. With Redis away this waits at most until the watch gives up.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.poller);
    clearInterval(this.heartbeat);
    for (const entry of this.pending.values()) {
      this.settle(entry, { status: 'failed', reason: 'the Redis executor was closed before the job finished', attempts: entry.attempt });
    }
    if (!this.outage) {
      try {
        const client = registryClient(await this.queue.client);
        await client.zrem(registryKey(this.prefix), this.queueName);
        if (!this.options.keepQueue && !this.stopped) await this.queue.obliterate({ force: true });
      } catch (error) {
        process.emitWarning(`nes redis executor (${this.queueName}): cleanup on close failed: ${describe(error)}`);
      }
    }
    await this.watch.stop();
    await this.events.close();
    await this.queue.close();
  }
}

function parseResult(value: unknown): TrainJobResult | undefined {
  if (typeof value === 'string') {
    try {
      return JSON.parse(value) as TrainJobResult;
    } catch {
      return undefined;
    }
  }
  return (value ?? undefined) as TrainJobResult | undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

/**
 * Connects once, without retrying, and resolves when Redis answers: a wrong host, port, password
 * or TLS setting becomes one clear error instead of commands queued forever. The error is an input
 * error (reported in one line by the CLI).
 */
export async function probeRedis(url: string, timeoutMs = 10_000): Promise<void> {
  const connection = new RedisConnection(
    { ...connectionFor(url), retryStrategy: () => null, connectTimeout: timeoutMs, lazyConnect: false },
    { shared: false },
  );
  connection.on('error', () => {});
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      connection.client,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } catch (error) {
    throw new NesInputError(
      `cannot reach Redis at ${redactUrl(url)} (${(error as Error).message}); is redis-server running, and the URL (password, rediss:// for TLS) right?`,
    );
  } finally {
    clearTimeout(timer);
    await connection.disconnect().catch(() => {});
  }
}
