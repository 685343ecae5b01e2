/** Dataset shift: CIFAR-10-C-style corruptions, suites, and readers for the released corrupted sets. */
export { corruptImage, corruptBatch, drawKind, CLEAN } from './corrupt.js';
export type { Severity, ImageBatch, CorruptBatchOptions } from './corrupt.js';
export { loadSuite, corruptionsDir } from './suite.js';
export { KINDS } from './registry.js';
export { readCifar10C, readMnistC } from './readers.js';
export { checkReleasedFolder, readReleasedTestShift, releasedTestKinds } from './released-test-shift.js';
export { createCorruptionRng, imageRng } from './random.js';
export type { CorruptionSuite, ImageInput, KindSpec, CorruptionRng, SeverityParams } from './types.js';
