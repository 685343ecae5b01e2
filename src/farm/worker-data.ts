/**
 * The data sets every worker trains on and predicts (WorkerDataSets), and how they are built. The
 * coordinator (search) builds them once per run; a Redis worker (redis/data-thread.ts) rebuilds
 * them from the same recipe on its own machine, so the builder lives here, below both.
 */
import { resolve } from 'node:path';
import { toShared } from '../data/images.js';
import type { DatasetSplits, LabelledImages } from '../data/types.js';
import type { DatasetConfig } from '../data/configured-dataset.js';
import type { NesConfig } from '../run/config.js';
import type { ShiftSource } from '../run/results-types.js';
import { corruptBatch, loadSuite, readReleasedTestShift, releasedTestKinds, type Severity } from '../shift/index.js';
import type { ImagesBySeverity, WorkerDataSets } from './types.js';

/** Defined with results.json, which records it. */
export type { ShiftSource } from '../run/results-types.js';

/** What the worker data sets are built from, besides the loaded data set: the run's seed and shift. */
export interface WorkerDataRecipe {
  /** The data set's config (a Redis worker loads it again, perhaps from another dataDir). */
  dataset: DatasetConfig;
  seed: number;
  shift: ShiftSettings;
}

export type ShiftSettings = NesConfig['shift'];

export function shiftSources(shift: ShiftSettings): { validation: ShiftSource; test: ShiftSource } {
  const generated = (suite: string): ShiftSource => ({ source: 'generated', suite, kinds: loadSuite(suite).kinds });
  return {
    validation: generated(shift.validationSuite),
    test:
      shift.testDataDir === undefined
        ? generated(shift.testSuite ?? 'test')
        : { source: 'folder', dir: resolve(shift.testDataDir), kinds: releasedTestKinds() },
  };
}

/**
 * The data every member trains on and predicts: the training split, and the validation and test
 * splits at each configured severity (validation with the held-out validation suite, test with the
 * CIFAR-10-C test suite, or read from the released CIFAR-10-C / CIFAR-100-C folder when
 * shift.testDataDir is set; at severity s each image gets one kind drawn uniformly, seeded).
 * Computed once per run, in SharedArrayBuffers so that worker threads share rather than copy them.
 */
export function buildWorkerDataSets(dataset: DatasetSplits, config: Pick<WorkerDataRecipe, 'seed' | 'shift'>): WorkerDataSets {
  const sources = shiftSources(config.shift);
  const shifted = (split: LabelledImages, source: ShiftSource, role: string): ImagesBySeverity =>
    Object.fromEntries(
      config.shift.severities.map((severity) => {
        if (severity === 0) return [0, toShared(split)];
        const options = { severity: severity as Severity, seed: `${config.seed}:${role}:${severity}` };
        const { images } =
          source.source === 'folder'
            ? readReleasedTestShift(source.dir, split, { ...options, kinds: source.kinds })
            : corruptBatch(split, { ...options, suite: loadSuite(source.suite) });
        return [severity, toShared({ ...split, images })];
      }),
    );
  return {
    train: toShared(dataset.train),
    numClasses: dataset.numClasses,
    normalization: dataset.normalization,
    validation: shifted(dataset.validation, sources.validation, 'validation'),
    test: shifted(dataset.test, sources.test, 'test'),
  };
}
