import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { asLabels, readNpy, writeNpy } from '../data/npy.js';
import type { RunFolder } from './run-folder.js';

export type LabelledSplit = 'validation' | 'test';

/**
 * The true labels, stored with the run (labels/<split>.npy, uint8 (N,)) so that its predictions
 * can be scored without the data set.
 */
export function writeRunLabels(run: RunFolder, labels: Record<LabelledSplit, Uint8Array>): void {
  for (const split of ['validation', 'test'] as const) {
    const path = run.labelsPath(split);
    mkdirSync(dirname(path), { recursive: true });
    writeNpy(path, { dtype: 'uint8', shape: [labels[split].length], data: labels[split] });
  }
}

/** A split's stored labels (each checked to be a class below numClasses), or undefined when the run has none. */
export function readRunLabels(run: RunFolder, split: LabelledSplit, numClasses: number): Uint8Array | undefined {
  const path = run.labelsPath(split);
  return existsSync(path) ? asLabels(readNpy(path), numClasses, path) : undefined;
}
