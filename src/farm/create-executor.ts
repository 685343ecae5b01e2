import type { NesConfig } from '../run/config.js';
import type { EngineChoice } from '../util/engine-names.js';
import type { ExecutorOptions, TrainingExecutor } from './executor.js';
import { TrainingFarm } from './farm.js';
import { datasetReference } from './redis/protocol.js';
import type { WorkerDataRecipe } from './worker-data.js';

/** The config's execution section: all the farm reads of a run's config. */
export type ExecutionSettings = NesConfig['execution'];

/** What the farm needs besides its settings: the run, the engine, and the data its workers use. */
export interface ExecutorRequest extends Pick<ExecutorOptions, 'engine' | 'data' | 'onProgress'> {
  runId: string;
  /** How `data` was built; Redis workers rebuild it from this. */
  recipe: WorkerDataRecipe;
}

/** Jobs the Redis executor keeps in flight when execution.workers is not set. */
export const DEFAULT_REDIS_CONCURRENCY = 4;

/** The executor the config asks for: the local piscina farm (default) or Redis-queued remote workers. */
export async function createExecutor(execution: ExecutionSettings, request: ExecutorRequest): Promise<TrainingExecutor> {
  const { recipe, ...rest } = request;
  const options = { ...rest, maxAttempts: execution.maxAttempts, taskTimeoutMs: execution.taskTimeoutSeconds * 1000 };
  switch (execution.executor) {
    case 'local':
      return new TrainingFarm({
        ...options,
        workers: execution.workers ?? defaultLocalWorkers(options.engine),
        workerHeapMb: execution.workerHeapMb,
      });
    case 'redis': {
      if (!execution.redis) throw new Error('executor "redis" needs execution.redis, e.g. "redis://127.0.0.1:6379"');
      // Loaded only when asked for: a local run never touches bullmq/ioredis.
      const { RedisExecutor, probeRedis } = await import('./redis/executor.js');
      await probeRedis(execution.redis);
      return new RedisExecutor({
        ...options,
        // "auto" travels as is: each worker machine picks its own best engine (e.g. its GPU).
        engine: execution.engine === 'auto' ? 'auto' : options.engine,
        url: execution.redis,
        dataset: datasetReference(recipe, options.data),
        concurrency: execution.workers ?? DEFAULT_REDIS_CONCURRENCY,
        redisTimeoutMs: execution.redisTimeoutSeconds * 1000,
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
export function defaultLocalWorkers(engine: EngineChoice): number | undefined {
  return engine === 'tfjs-node' || engine === 'tfjs-node-gpu' || engine === 'webgpu' ? 1 : undefined;
}
