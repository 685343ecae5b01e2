import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../data/npy.js';
import { writeSerializedModel, type SerializedModel } from '../train/model-io.js';
import type { ProbsBySeverity } from './types.js';

/** File of a member's predictions on a split at a severity: test.npy when clean, test-severity-3.npy shifted. */
export function predictionsFile(split: 'validation' | 'test', severity: number): string {
  return severity === 0 ? `${split}.npy` : `${split}-severity-${severity}.npy`;
}

/**
 * Writes a trained member's predictions and model into its folder, every file atomically and the
 * model.json last: a member folder with model.json is complete.
 */
export function writeMemberFiles(
  memberDir: string,
  member: { validationProbs: ProbsBySeverity; testProbs: ProbsBySeverity; model: SerializedModel },
  numClasses: number,
): void {
  mkdirSync(memberDir, { recursive: true });
  for (const split of ['validation', 'test'] as const) {
    const bySeverity = split === 'validation' ? member.validationProbs : member.testProbs;
    for (const [severity, probs] of Object.entries(bySeverity)) {
      writeNpy(join(memberDir, predictionsFile(split, Number(severity))), {
        dtype: 'float32',
        shape: [probs.length / numClasses, numClasses],
        data: probs,
      });
    }
  }
  writeSerializedModel(memberDir, member.model);
}
