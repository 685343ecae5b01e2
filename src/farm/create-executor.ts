import type { NesConfig } from '../run/config.js';
import type { ExecutorOptions, TrainingExecutor } from './executor.js';
import { TrainingFarm } from './farm.js';

/** The executor the config asks for: the local piscina farm (default) or Redis-queued remote workers. */
export async function createExecutor(
  config: NesConfig,
  options: ExecutorOptions & { runId: string },
): Promise<TrainingExecutor> {
  switch (config.execution.executor) {
    case 'local':
      return new TrainingFarm({ ...options, workers: config.execution.workers });
    case 'redis':
      throw new Error('executor "redis" is not available in this build');
  }
}
