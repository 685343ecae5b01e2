/**
 * Farm scaling: trains the same 8 small networks (random DARTS genotypes, 3 cells, 8 channels,
 * 500 embedded Fashion-MNIST images, 1 epoch, clean predictions only) on the local farm with 1 and
 * with 2 worker threads. Prints one JSON line per setting, then the summary.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadFashionMnist } from '../src/data/fashion-mnist.js';
import { TrainingFarm } from '../src/farm/farm.js';
import { RandomSearch } from '../src/optimizers/random-search.js';
import { buildWorkerDataSets } from '../src/search/shifted-sets.js';
import { loadSpace } from '../src/space/load.js';
import type { Trial } from '../src/optimizers/types.js';

const NETWORKS = 8;

export async function run(): Promise<void> {
  const space = loadSpace('darts');
  const dataset = loadFashionMnist({ trainLimit: 500 });
  const data = buildWorkerDataSets(dataset, { seed: 0, shift: { severities: [0], validationSuite: 'validation', testSuite: 'test' } });
  const search = new RandomSearch({ space, budget: NETWORKS, seed: 'bench-farm' });
  const trials: Trial[] = [];
  for (let trial = search.ask(); trial !== null; trial = search.ask()) trials.push(trial);

  const seconds: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const dir = mkdtempSync(join(tmpdir(), 'nes-bench-farm-'));
    const farm = new TrainingFarm({ workers, engine: 'wasm', data, maxAttempts: 1, taskTimeoutMs: 3_600_000 });
    // Warm the threads up (engine start-up) before timing, as a long search would.
    await Promise.all(
      Array.from({ length: workers }, (_, i) => farm.train(task(trials[i]!, join(dir, `warm-${i}`), 1, 32))),
    );
    const started = performance.now();
    const results = await Promise.all(trials.map((trial) => farm.train(task(trial, join(dir, String(trial.id)), 1, 50))));
    seconds[workers] = (performance.now() - started) / 1000;
    await farm.close();
    rmSync(dir, { recursive: true, force: true });
    const failed = results.filter((r) => r.status !== 'finished').length;
    console.log(JSON.stringify({ bench: 'farm', workers, networks: NETWORKS, seconds: seconds[workers], failed }));
  }
  console.log(
    JSON.stringify({
      bench: 'farm',
      networks: NETWORKS,
      secondsOneWorker: seconds[1],
      secondsTwoWorkers: seconds[2],
      speedup: seconds[1]! / seconds[2]!,
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
