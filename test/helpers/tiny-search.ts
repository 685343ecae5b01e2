/**
 * The smallest search worth running in a test: 3 networks of 2 cells × 4 channels, 64 training
 * images, one epoch, clean data and severity 2, two workers.
 */
export const TINY_SEARCH = {
  budget: 3,
  ensembleSizes: [2],
  macro: { cells: 2, channels: 4 },
  dataset: { trainLimit: 64 },
  training: { epochs: 1, batchSize: 32 },
  evaluation: { anytimeStep: 2 },
  shift: { severities: [0, 2] },
  execution: { workers: 2 },
};
