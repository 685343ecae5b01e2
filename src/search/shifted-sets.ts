import { toShared } from '../data/images.js';
import type { DatasetSplits, LabelledImages } from '../data/types.js';
import type { ImagesBySeverity, WorkerDataSets } from '../farm/types.js';
import type { NesConfig } from '../run/config.js';
import { corruptBatch, loadSuite, type Severity } from '../shift/index.js';

/**
 * The data every member trains on and predicts: the training split, and the validation and test
 * splits at each configured severity (validation with the held-out validation suite, test with the
 * CIFAR-10-C test suite; at severity s each image gets one kind drawn uniformly, seeded). Computed
 * once per run, in SharedArrayBuffers so that worker threads share rather than copy them.
 */
export function buildWorkerDataSets(dataset: DatasetSplits, config: Pick<NesConfig, 'seed' | 'shift'>): WorkerDataSets {
  const shifted = (split: LabelledImages, suiteName: string, role: string): ImagesBySeverity => {
    const suite = loadSuite(suiteName);
    return Object.fromEntries(
      config.shift.severities.map((severity) => {
        if (severity === 0) return [0, toShared(split)];
        const { images } = corruptBatch(split, { suite, severity: severity as Severity, seed: `${config.seed}:${role}:${severity}` });
        return [severity, toShared({ ...split, images })];
      }),
    );
  };
  return {
    train: toShared(dataset.train),
    numClasses: dataset.numClasses,
    normalization: dataset.normalization,
    validation: shifted(dataset.validation, config.shift.validationSuite, 'validation'),
    test: shifted(dataset.test, config.shift.testSuite, 'test'),
  };
}
