/**
 * Farm scaling: trains the same small networks (random DARTS genotypes, 3 cells, 8 channels, 500
 * embedded Fashion-MNIST images, 1 epoch, clean predictions only) on the local farm with each
 * worker count: `npm run bench -- farm [--engine wasm] [--workers 1,2] [--networks 8]`. On a GPU,
 * `--engine webgpu --workers 1,2,4,8` finds how many training threads one device should get.
 * Prints one JSON line per setting (with networks per hour), then the summary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../src/data/fashion-mnist.js';
import { TrainingFarm } from '../src/farm/farm.js';
import { RandomSearch } from '../src/optimizers/random-search.js';
import { buildWorkerDataSets } from '../src/farm/worker-data.js';
import { loadSpace } from '../src/space/load.js';
import { ENGINE_NAMES, type EngineName } from '../src/train/engine.js';
import type { Trial } from '../src/optimizers/types.js';

interface Options {
  engine: EngineName;
  workers: number[];
  networks: number;
}

function parseArgs(args: string[]): Options {
  const value = (flag: string, fallback: string): string => {
    const index = args.indexOf(flag);
    return index >= 0 && args[index + 1] !== undefined ? args[index + 1]! : fallback;
  };
  const engine = value('--engine', 'wasm');
  if (!(ENGINE_NAMES as readonly string[]).includes(engine)) throw new Error(`--engine: one of ${ENGINE_NAMES.join(', ')}, got "${engine}"`);
  const workers = value('--workers', '1,2').split(',').map(Number);
  const networks = Number(value('--networks', '8'));
  for (const n of [...workers, networks]) if (!Number.isInteger(n) || n < 1) throw new Error(`--workers and --networks take positive integers, got ${n}`);
  return { engine: engine as EngineName, workers, networks };
}

export async function run(args: string[] = []): Promise<void> {
  const options = parseArgs(args);
  const space = loadSpace('darts');
  const dataset = loadFashionMnist({ trainLimit: 500 });
  const data = buildWorkerDataSets(dataset, { seed: 0, shift: { severities: [0], validationSuite: 'validation', testSuite: 'test' } });
  const search = new RandomSearch({ space, budget: options.networks, seed: 'bench-farm' });
  const trials: Trial[] = [];
  for (let trial = search.ask(); trial !== null; trial = search.ask()) trials.push(trial);

  const settings: { workers: number; seconds: number; networksPerHour: number; failed: number }[] = [];
  for (const workers of options.workers) {
    const dir = mkdtempSync(join(tmpdir(), 'nes-bench-farm-'));
    const farm = new TrainingFarm({ workers, engine: options.engine, data, maxAttempts: 1, taskTimeoutMs: 3_600_000 });
    // Warm the threads up (engine start-up, shader compilation) before timing, as a long search would.
    await Promise.all(
      Array.from({ length: workers }, (_, i) => farm.train(task(trials[i % trials.length]!, join(dir, `warm-${i}`), 1, 32))),
    );
    const started = performance.now();
    const results = await Promise.all(trials.map((trial) => farm.train(task(trial, join(dir, String(trial.id)), 1, 50))));
    const seconds = (performance.now() - started) / 1000;
    await farm.close();
    rmSync(dir, { recursive: true, force: true });
    const failed = results.filter((r) => r.status !== 'finished').length;
    const line = { workers, seconds, networksPerHour: (options.networks * 3600) / seconds, failed };
    settings.push(line);
    console.log(JSON.stringify({ bench: 'farm', engine: options.engine, networks: options.networks, ...line }));
  }
  const best = settings.reduce((a, b) => (b.networksPerHour > a.networksPerHour ? b : a));
  const one = settings.find((s) => s.workers === 1);
  console.log(
    JSON.stringify({
      bench: 'farm',
      engine: options.engine,
      networks: options.networks,
      networksPerHour: Object.fromEntries(settings.map((s) => [s.workers, s.networksPerHour])),
      bestWorkers: best.workers,
      // Throughput of the best worker count over one worker's.
      speedup: one ? best.networksPerHour / one.networksPerHour : null,
    }),
  );
}

function task(trial: Trial, memberDir: string, epochs: number, batchSize: number) {
  return {
    method: 'rs',
    trial,
    macro: { cells: 3, channels: 8, stemMultiplier: 3 },
    training: { epochs, batchSize, learningRate: 0.025, momentum: 0.9, weightDecay: 3e-4, gradientClip: 5 },
    memberDir,
  };
}
