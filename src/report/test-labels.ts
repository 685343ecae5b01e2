import { loadFashionMnist } from '../data/fashion-mnist.js';
import { readRunConfig } from '../run/run-config.js';
import type { RunFolder } from '../run/run-folder.js';
import { readRunLabels } from '../run/run-labels.js';

export type TestLabels = { labels: Uint8Array; source: string } | { labels: undefined; reason: string };

/**
 * The run's true test labels: labels/test.npy when the run stored it, else the dataset named in
 * config.json loaded again. `count` (the cached predictions' length) must match.
 */
export function loadTestLabels(run: RunFolder, numClasses: number, count: number): TestLabels {
  const stored = readRunLabels(run, 'test', numClasses);
  if (stored) {
    return stored.length === count
      ? { labels: stored, source: 'labels/test.npy' }
      : { labels: undefined, reason: `${run.labelsPath('test')} holds ${stored.length} labels, the cached predictions ${count}` };
  }
  const config = readRunConfig(run);
  if (!config) return { labels: undefined, reason: 'no labels/test.npy and no config.json in the run' };
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
