import { ENGINE_NAMES, isEngineChoice } from '../util/engine-names.js';
import { queueNameForRun } from '../farm/redis/protocol.js';
import type { RedisWorkerOptions } from '../farm/redis/worker.js';
import { intFlag, parseFlags, secondsFlag } from './args.js';
import { UsageError } from './usage-error.js';

export const workerHelp = `Usage: nes worker --redis URL [--run ID | --queue NAME] [--concurrency 1] [--device N] [--backend ENGINE]

Trains candidates for searches run with execution.executor "redis" (nes search on another machine):
takes training jobs from the run's BullMQ queue on Redis, rebuilds the run's data set here once,
trains, and sends predictions and weights back. Runs until stopped: SIGINT/SIGTERM finishes the
trainings in progress first; a second signal stops at once (those jobs go to other workers).

  --redis URL           redis://[user:password@]host:port[/db], or rediss://… for TLS (default: $NES_REDIS_URL)
  --run ID              serve only the run with this id (queue nes-ID)
  --queue NAME          serve only this queue (comma-separated for several)
                        (neither: serve every active run, and new runs as they start)
  --concurrency N       trainings at a time in this process, one thread each (default 1;
                        CPU engines: at most one per core, e.g. one process with N = cores)
  --device N            GPU for this process (sets CUDA_VISIBLE_DEVICES=N before tfjs-node-gpu loads;
                        start one worker process per GPU)
  --backend ENGINE      auto, tfjs-node-gpu, webgpu, tfjs-node, wasm or cpu (default: the coordinator's engine)
  --data-dir DIR        this machine's folder with the Fashion-MNIST or CIFAR files, if the run used --data-dir
  --test-data-dir DIR   this machine's CIFAR-10-C / CIFAR-100-C folder, if the run used --test-data-dir
  --prefix P            Redis key prefix, as the coordinator's (default: nes)
  --lock-seconds S      job lock, renewed every S/2 s while training; a worker that dies loses its
                        job after at most S + stalled-seconds (default 30)
  --stalled-seconds S   how often to look for jobs of dead workers (default 30)
  --max-stalled N       worker losses a job survives before it fails (default 2)
  --redis-timeout S     stop (exit code 2) when Redis does not answer for S seconds (default 60);
                        while it is away the worker waits, and goes on if it comes back in time
  --quiet               no per-job lines`;

export async function workerCommand(args: string[], hooks: Pick<RedisWorkerOptions, 'beforeTrain'> = {}): Promise<number> {
  const flags = parseFlags('worker', args, {
    redis: { type: 'string' },
    run: { type: 'string' },
    queue: { type: 'string' },
    concurrency: { type: 'string' },
    device: { type: 'string' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    'test-data-dir': { type: 'string' },
    prefix: { type: 'string' },
    'lock-seconds': { type: 'string' },
    'stalled-seconds': { type: 'string' },
    'max-stalled': { type: 'string' },
    'redis-timeout': { type: 'string' },
    quiet: { type: 'boolean' },
  });
  if (flags.help) {
    console.log(workerHelp);
    return 0;
  }
  const url = flags.redis ?? process.env['NES_REDIS_URL'];
  if (!url) throw new UsageError('nes worker: --redis URL is required (or set NES_REDIS_URL), e.g. --redis redis://10.0.0.5:6379');
  if (!/^rediss?:\/\/[^/]/.test(url)) throw new UsageError(`nes worker: --redis expects a redis:// or rediss:// URL, got "${url}"`);
  if (flags.run !== undefined && flags.queue !== undefined) throw new UsageError('nes worker: use --run or --queue, not both');
  const queues = flags.run !== undefined ? [queueNameForRun(flags.run)] : flags.queue?.split(',').map((q) => q.trim()).filter(Boolean);
  if (flags.backend !== undefined && !isEngineChoice(flags.backend)) {
    throw new UsageError(`nes worker: --backend "${flags.backend}" is not known; use auto, ${ENGINE_NAMES.join(', ')}`);
  }
  if (flags.device !== undefined) {
    if (!/^\d+(,\d+)*$/.test(flags.device)) throw new UsageError(`nes worker: --device expects a GPU index like 0, got "${flags.device}"`);
    // Read by libtensorflow when tfjs-node-gpu loads, i.e. in the training threads started later.
    process.env['CUDA_VISIBLE_DEVICES'] = flags.device;
  }
  const seconds = (name: 'lock-seconds' | 'stalled-seconds' | 'redis-timeout'): number | undefined => {
    const value = secondsFlag('worker', name, flags[name]);
    return value === undefined ? undefined : Math.round(value * 1000);
  };

  const { RedisTrainingWorker } = await import('../farm/redis/worker.js');
  const worker = new RedisTrainingWorker({
    url,
    queues,
    prefix: flags.prefix,
    concurrency: intFlag('worker', 'concurrency', flags.concurrency),
    engine: flags.backend,
    dataDir: flags['data-dir'],
    testDataDir: flags['test-data-dir'],
    lockMs: seconds('lock-seconds'),
    stalledIntervalMs: seconds('stalled-seconds'),
    maxStalledCount: intFlag('worker', 'max-stalled', flags['max-stalled'], 0),
    redisTimeoutMs: seconds('redis-timeout'),
    log: (line, kind) => (flags.quiet && kind !== 'status' ? undefined : console.log(line)),
    beforeTrain: hooks.beforeTrain,
  });
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals === 1) {
      console.log(`worker: ${signal}: finishing the trainings in progress (${signal} again to stop now)`);
      void worker.close();
    } else {
      // The jobs in progress keep their lock until it expires; then other workers retake them.
      console.log(`worker: ${signal}: stopping now; the jobs in progress go to other workers once their lock expires`);
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await worker.start();
    await worker.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // Redis stayed away: one line (the CLI's error report) and exit code 2.
  if (worker.lostRedis) throw worker.lostRedis;
  console.log('worker: stopped');
  return 0;
}
