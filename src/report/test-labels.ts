import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFashionMnist } from '../data/fashion-mnist.js';
import { asLabels, readNpy } from '../data/npy.js';
import type { NesConfig } from '../run/config.js';
import { testLabelsPath } from './run-files.js';

export type TestLabels = { labels: Uint8Array; source: string } | { labels: undefined; reason: string };

/**
 * The run's true test labels: labels/test.npy when the run stored it, else the dataset named in
 * config.json loaded again. `count` (the cached predictions' length) must match.
 */
export function loadTestLabels(runDir: string, numClasses: number, count: number): TestLabels {
  const stored = testLabelsPath(runDir);
  if (existsSync(stored)) {
    const labels = asLabels(readNpy(stored), numClasses, stored);
    return labels.length === count
      ? { labels, source: 'labels/test.npy' }
      : { labels: undefined, reason: `${stored} holds ${labels.length} labels, the cached predictions ${count}` };
  }
  const configPath = join(runDir, 'config.json');
  if (!existsSync(configPath)) return { labels: undefined, reason: 'no labels/test.npy and no config.json in the run' };
  const config = JSON.parse(readFileSync(configPath, 'utf8')) as NesConfig;
  if (config.dataset?.name !== 'fashion-mnist') {
    return { labels: undefined, reason: `no labels/test.npy, and dataset "${config.dataset?.name}" cannot be reloaded` };
  }
  try {
    const labels = loadFashionMnist({ dataDir: config.dataset.dataDir }).test.labels;
    return labels.length === count
      ? { labels, source: config.dataset.dataDir ? `Fashion-MNIST from ${config.dataset.dataDir}` : 'the embedded Fashion-MNIST subset' }
      : { labels: undefined, reason: `the reloaded test set has ${labels.length} labels, the cached predictions ${count}` };
  } catch (error) {
    return { labels: undefined, reason: `no labels/test.npy, and reloading the dataset failed: ${(error as Error).message}` };
  }
}
