import { hostname } from 'node:os';
import { MessageChannel } from 'node:worker_threads';
import { RedisConnection, UnrecoverableError, Worker, type Job } from 'bullmq';
import { Piscina } from 'piscina';
import { threadExecArgv } from '../thread-exec-argv.js';
import type { EngineChoice } from '../../util/engine-names.js';
import type { WorkerDataSets, TrainProgress } from '../types.js';
import {
  DEFAULT_PREFIX,
  connectionFor,
  redactUrl,
  registryClient,
  registryKey,
  type DatasetReference,
  type TrainJobData,
  type TrainJobResult,
} from './protocol.js';
import type { ThreadTask } from './train-thread.js';
import { probeRedis } from './executor.js';
import { DEFAULT_REDIS_TIMEOUT_MS, RedisGoneError, RedisWatch, isConnectionError } from './outage.js';

export interface RedisWorkerOptions {
  /** redis://[user:password@]host:port[/db] or rediss://… (TLS). */
  url: string;
  /** Key prefix; must match the coordinator's. Default "nes". */
  prefix?: string;
  /** Serve exactly these queues. Absent: serve every queue in the run registry, polling for new runs. */
  queues?: string[];
  /** Trainings at a time in this process, each in its own thread. Default 1. */
  concurrency?: number;
  /** Engine to train with; default the coordinator's (named in each job). "auto" picks the best here. */
  engine?: EngineChoice;
  /** Where the Fashion-MNIST or CIFAR files are on this machine (overrides the coordinator's dataDir). */
  dataDir?: string;
  /** Where the CIFAR-10-C / CIFAR-100-C folder is on this machine (overrides the coordinator's shift.testDataDir). */
  testDataDir?: string;
  /**
   * BullMQ job lock, renewed every lockMs/2 while a job trains. A worker that dies stops renewing;
   * its job is retaken once the lock has expired and a stalled check runs. Default 30 000 ms.
   */
  lockMs?: number;
  /** How often this worker looks for jobs whose lock expired. Default 30 000 ms. */
  stalledIntervalMs?: number;
  /** Worker losses a job survives before it fails. Default 2. */
  maxStalledCount?: number;
  /** How often the run registry is read (discovery mode). Default 2000 ms. */
  discoveryMs?: number;
  /** Runs whose coordinator has not refreshed its registry entry for this long are not served. Default 60 000 ms. */
  registryTtlMs?: number;
  /** Stop when Redis does not answer for this long. Default 60 000 ms. */
  redisTimeoutMs?: number;
  /** Each log line; `status` marks the lines that say what the worker serves (shown even when quiet). */
  log?: (line: string, kind: 'status' | 'detail') => void;
  /** Called when a job has been taken, before it trains (tests use it to kill a worker mid-job). */
  beforeTrain?: (job: Job<TrainJobData, TrainJobResult>) => Promise<void>;
}

interface Workspace {
  key: string;
  threads: Piscina;
  fingerprint: string;
  active: number;
}

/** At most this many data sets (and their training threads) are kept per process. */
const MAX_WORKSPACES = 2;

/**
 * After Redis came back, runs missing from the registry are served on for this long: a Redis
 * restarted without its data has an empty registry until each coordinator's next heartbeat (5 s).
 */
const REGISTRY_GRACE_MS = 15_000;

/**
 * The worker side of the Redis executor: BullMQ workers on one or several run queues, training
 * each job on piscina threads built for the job's data set (rebuilt here from the job's
 * DatasetReference once, checked against its fingerprint, and cached).
 */
export class RedisTrainingWorker {
  private readonly prefix: string;
  private readonly concurrency: number;
  private readonly workers = new Map<string, Worker<TrainJobData, TrainJobResult>>();
  private readonly workspaces = new Map<string, Promise<Workspace>>();
  private readonly slots: Semaphore;
  private readonly logLine: (line: string, kind: 'status' | 'detail') => void;
  private registry?: RedisConnection;
  private watch?: RedisWatch;
  private discovery?: NodeJS.Timeout;
  /** Jobs whose result Redis refused because it lost them (logged once each). */
  private readonly refused = new Set<string>();
  /** Set when the worker stopped because Redis stayed away longer than redisTimeoutMs. */
  lostRedis?: RedisGoneError;
  private closing?: Promise<void>;
  private resolveDone!: () => void;
  /** Resolves when the worker has closed. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(private readonly options: RedisWorkerOptions) {
    connectionFor(options.url);
    this.prefix = options.prefix ?? DEFAULT_PREFIX;
    this.concurrency = options.concurrency ?? 1;
    this.slots = new Semaphore(this.concurrency);
    this.logLine = options.log ?? ((line) => console.log(line));
  }

  private log(line: string): void {
    this.logLine(line, 'detail');
  }

  private status(line: string): void {
    this.logLine(line, 'status');
  }

  /** Starts serving: the given queues, or those of the run registry (and new ones as they appear). */
  async start(): Promise<void> {
    await probeRedis(this.options.url);
    this.watch = new RedisWatch({
      url: this.options.url,
      timeoutMs: this.options.redisTimeoutMs ?? DEFAULT_REDIS_TIMEOUT_MS,
      log: (line) => this.status(`worker: ${line}`),
      onGiveUp: ({ address, seconds, lastError }) => {
        this.lostRedis = new RedisGoneError(
          `lost Redis at ${address}: no answer for ${seconds} s (${lastError}); nes worker stopped (its jobs go to other workers once Redis is back): ` +
            `start nes worker again then (--redis-timeout S waits longer)`,
        );
        void this.close(true);
      },
    });
    if (this.options.queues && this.options.queues.length > 0) {
      for (const name of this.options.queues) this.serve(name);
      this.status(`worker: serving ${this.options.queues.join(', ')} on ${redactUrl(this.options.url)}, ${this.concurrency} at a time`);
      return;
    }
    this.registry = new RedisConnection(this.watch.connectionOptions(), { shared: false });
    this.registry.on('error', (error: Error) => {
      if (!isConnectionError(error)) this.log(`worker: registry connection: ${error.message}`);
    });
    void this.registry.client.then((client) => this.watch?.track(client), () => {});
    this.status(`worker: waiting for runs in ${registryKey(this.prefix)} on ${redactUrl(this.options.url)}, ${this.concurrency} at a time`);
    await this.discover();
    this.discovery = setInterval(() => void this.discover(), this.options.discoveryMs ?? 2000);
  }

  /** The queues being served now. */
  get queues(): string[] {
    return [...this.workers.keys()];
  }

  private async discover(): Promise<void> {
    if (this.closing || !this.registry) return;
    let active: string[];
    try {
      const client = registryClient(await this.registry.client);
      active = await client.zrangebyscore(registryKey(this.prefix), Date.now() - (this.options.registryTtlMs ?? 60_000), '+inf');
    } catch (error) {
      if (!isConnectionError(error)) this.log(`worker: cannot read the run registry: ${(error as Error).message}`);
      return;
    }
    if (this.closing) return;
    for (const name of active) if (!this.workers.has(name)) this.serve(name);
    // Just after an outage the registry may be empty although the runs go on (see REGISTRY_GRACE_MS).
    if (!this.watch || this.watch.sinceRecovery < REGISTRY_GRACE_MS) return;
    for (const name of this.workers.keys()) {
      if (!active.includes(name)) void this.stopServing(name);
    }
  }

  private serve(name: string): void {
    const worker = new Worker<TrainJobData, TrainJobResult>(name, (job) => this.process(name, job), {
      connection: this.watch?.connectionOptions() ?? connectionFor(this.options.url),
      prefix: this.prefix,
      concurrency: this.concurrency,
      lockDuration: this.options.lockMs ?? 30_000,
      stalledInterval: this.options.stalledIntervalMs ?? 30_000,
      maxStalledCount: this.options.maxStalledCount ?? 2,
    });
    // A lost connection is reported once, by the watch; BullMQ would repeat it at every retry.
    worker.on('error', (error) => {
      if (isConnectionError(error)) return;
      const lost = /Missing (?:lock|key) for job (\S+)\./.exec(error.message);
      if (!lost) {
        this.log(`worker: ${name}: ${error.message}`);
      } else if (!this.refused.has(`${name} ${lost[1]}`)) {
        // BullMQ refuses every later step of that job too: one line is enough.
        this.refused.add(`${name} ${lost[1]}`);
        this.log(`worker: ${name} ${lost[1]}: Redis refused the result: the job was lost from Redis (a restart without persistence?); the coordinator queues it again`);
      }
    });
    void worker.client.then((client) => this.watch?.track(client), () => {});
    void worker.waitUntilReady().then((client) => this.watch?.track(client), () => {});
    worker.on('failed', (job, error) => {
      if (job) this.log(`worker: ${name} ${job.id}: attempt ${job.attemptsStarted} failed: ${error.message}`);
    });
    this.workers.set(name, worker);
    if (!this.options.queues) this.status(`worker: serving ${name}`);
  }

  private async stopServing(name: string): Promise<void> {
    const worker = this.workers.get(name);
    if (!worker) return;
    this.workers.delete(name);
    this.log(`worker: run ${name} ended; no longer serving it`);
    await worker.close().catch(() => {});
  }

  private async process(queue: string, job: Job<TrainJobData, TrainJobResult>): Promise<TrainJobResult> {
    await this.slots.acquire();
    const label = `${queue} ${job.id}`;
    let workspace: Workspace | undefined;
    try {
      this.log(`worker: ${label}: taken (attempt ${job.attemptsStarted})`);
      await this.options.beforeTrain?.(job);
      workspace = await this.workspaceFor(job.data);
      workspace.active++;
      const started = Date.now();
      const result = await this.train(workspace, job);
      this.log(
        `worker: ${label}: ${result.status === 'finished' ? 'finished' : `failed (${result.reason})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      return result;
    } finally {
      if (workspace) workspace.active--;
      this.slots.release();
    }
  }

  private async train(workspace: Workspace, job: Job<TrainJobData, TrainJobResult>): Promise<TrainJobResult> {
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (progress: TrainProgress) => void job.updateProgress({ ...progress }).catch(() => {}));
    const abort = new AbortController();
    const timeoutMs = job.data.taskTimeoutMs;
    const timer = setTimeout(() => abort.abort(), timeoutMs);
    try {
      const task: ThreadTask = { task: job.data.task, progress: port2 };
      return (await workspace.threads.run(task, { transferList: [port2], signal: abort.signal })) as TrainJobResult;
    } catch (error) {
      // A timeout fails the job without a retry, like the local farm's.
      if (abort.signal.aborted) throw new UnrecoverableError(`timed out after ${timeoutMs / 1000} s`);
      throw error;
    } finally {
      clearTimeout(timer);
      port1.close();
    }
  }

  /** The training threads (and data) for a job's data set and engine: built once, reused by later jobs. */
  private async workspaceFor(data: TrainJobData): Promise<Workspace> {
    const engine = this.options.engine ?? data.engine;
    const { fingerprint: _fingerprint, ...reference } = data.dataset;
    const key = JSON.stringify({ reference, fingerprint: data.dataset.fingerprint, engine });
    let workspace = this.workspaces.get(key);
    if (!workspace) {
      await this.evictIdle();
      workspace = this.buildWorkspace(key, data.dataset, engine);
      this.workspaces.set(key, workspace);
      // A failed build is not cached: the next job tries again (e.g. after the data was copied here).
      workspace.catch(() => this.workspaces.delete(key));
    }
    return workspace;
  }

  private async buildWorkspace(key: string, reference: DatasetReference, engine: EngineChoice): Promise<Workspace> {
    const dataDir = this.options.dataDir ?? (reference.dataset.name !== 'npy' ? reference.dataset.dataDir : undefined);
    const started = Date.now();
    let built: { data: WorkerDataSets; fingerprint: string };
    try {
      built = await buildDataInThread(reference, dataDir, this.options.testDataDir);
    } catch (error) {
      throw new UnrecoverableError(
        `worker ${hostname()}: cannot rebuild the data set (${(error as Error).message}); ` +
          `start the worker with --data-dir (and --test-data-dir, if the run reads a CIFAR-10-C folder) pointing at this machine's copy of the files`,
      );
    }
    if (built.fingerprint !== reference.fingerprint) {
      throw new UnrecoverableError(
        `worker ${hostname()}: the data rebuilt here (from ${dataDir ?? 'the embedded subset'}) differs from the coordinator's ` +
          `(fingerprint ${built.fingerprint.slice(0, 12)} ≠ ${reference.fingerprint.slice(0, 12)}); use the same data files and nes version`,
      );
    }
    this.log(
      `worker: data ${reference.dataset.name} (${built.data.train.count} train images, severities ${reference.shift.severities.join(',')}) ready in ${((Date.now() - started) / 1000).toFixed(1)} s; engine ${engine}`,
    );
    const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
    const threads = new Piscina({
      filename: new URL(`./train-thread${extension}`, import.meta.url).href,
      minThreads: this.concurrency,
      maxThreads: this.concurrency,
      concurrentTasksPerWorker: 1,
      idleTimeout: Number.POSITIVE_INFINITY,
      workerData: { engine, data: built.data },
      execArgv: threadExecArgv(),
    });
    return { key, threads, fingerprint: built.fingerprint, active: 0 };
  }

  private async evictIdle(): Promise<void> {
    if (this.workspaces.size < MAX_WORKSPACES) return;
    for (const [key, promise] of this.workspaces) {
      if (this.workspaces.size < MAX_WORKSPACES) break;
      const workspace = await promise.catch(() => undefined);
      if (workspace && workspace.active === 0) {
        this.workspaces.delete(key);
        await workspace.threads.destroy();
      }
    }
  }

  /**
   * Stops taking jobs. Graceful (default): waits for the trainings in progress to finish and
   * report. force: returns at once; the jobs in progress are retaken elsewhere once their lock expires.
   */
  close(force = false): Promise<void> {
    this.closing ??= (async () => {
      if (this.discovery) clearInterval(this.discovery);
      await Promise.all([...this.workers.values()].map((worker) => worker.close(force).catch(() => {})));
      this.workers.clear();
      for (const promise of this.workspaces.values()) {
        const workspace = await promise.catch(() => undefined);
        await workspace?.threads.destroy();
      }
      this.workspaces.clear();
      await this.registry?.close().catch(() => {});
      await this.watch?.stop();
      this.resolveDone();
    })();
    return this.closing;
  }
}

async function buildDataInThread(
  reference: DatasetReference,
  dataDir: string | undefined,
  testDataDir: string | undefined,
): Promise<{ data: WorkerDataSets; fingerprint: string }> {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  const thread = new Piscina({ filename: new URL(`./data-thread${extension}`, import.meta.url).href, minThreads: 0, maxThreads: 1, execArgv: threadExecArgv() });
  try {
    return (await thread.run({ reference, dataDir, testDataDir })) as { data: WorkerDataSets; fingerprint: string };
  } finally {
    await thread.destroy();
  }
}

/** Counts trainings in progress across every served queue. */
class Semaphore {
  private waiting: (() => void)[] = [];
  constructor(private available: number) {}

  async acquire(): Promise<void> {
    if (this.available > 0) {
      this.available--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.available++;
  }
}
