import type { NesConfig } from '../run/config.js';
import type { ExecutorOptions, TrainingExecutor } from './executor.js';
import { TrainingFarm } from './farm.js';
import { datasetReference } from './redis/protocol.js';

/** Jobs the Redis executor keeps in flight when execution.workers is not set. */
export const DEFAULT_REDIS_CONCURRENCY = 4;

/** The executor the config asks for: the local piscina farm (default) or Redis-queued remote workers. */
export async function createExecutor(
  config: NesConfig,
  options: ExecutorOptions & { runId: string },
): Promise<TrainingExecutor> {
  switch (config.execution.executor) {
    case 'local':
      return new TrainingFarm({
        ...options,
        workers: config.execution.workers ?? defaultLocalWorkers(options.engine),
        workerHeapMb: config.execution.workerHeapMb,
      });
    case 'redis': {
      if (!config.execution.redis) throw new Error('executor "redis" needs execution.redis, e.g. "redis://127.0.0.1:6379"');
      // Loaded only when asked for: a local run never touches bullmq/ioredis.
      const { RedisExecutor, probeRedis } = await import('./redis/executor.js');
      await probeRedis(config.execution.redis);
      return new RedisExecutor({
        ...options,
        // "auto" travels as is: each worker machine picks its own best engine (e.g. its GPU).
        engine: config.execution.engine === 'auto' ? 'auto' : options.engine,
        url: config.execution.redis,
        dataset: datasetReference(config, options.data),
        concurrency: config.execution.workers ?? DEFAULT_REDIS_CONCURRENCY,
      });
    }
  }
}

/**
 * Native TensorFlow (tfjs-node, tfjs-node-gpu) uses every core, or the process's GPU, by itself,
 * and several native instances in worker threads of one process are not reliable (tfjs issue
 * 8388): one training at a time. More GPUs: one `nes worker --device N` process per GPU. webgpu:
 * one thread per process until `npm run bench -- farm --engine webgpu --workers 1,2,4,8` has been
 * measured on a real GPU (`--workers N` shares the device among N threads). The JavaScript
 * engines (wasm, cpu) are single-threaded: one worker per core.
 */
export function defaultLocalWorkers(engine: string): number | undefined {
  return engine === 'tfjs-node' || engine === 'tfjs-node-gpu' || engine === 'webgpu' ? 1 : undefined;
}
