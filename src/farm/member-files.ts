import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asFloat32, expectShape, readNpy, writeNpy } from '../data/npy.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readModelFiles, writeSerializedModel, type SerializedModel } from '../train/model-io.js';
import { MEMBER_MODEL_FILE, MEMBER_SUMMARY_FILE, predictionsFile } from '../run/member-layout.js';
import type { ProbsBySeverity } from './types.js';

export { predictionsFile };

/** member.json: how the training went. */
export interface MemberSummary {
  trialId: number;
  lossCurve: number[];
  /** Training seconds. */
  seconds: number;
  /** Seconds predicting the evaluation sets (0 in member.json files older than this field). */
  predictSeconds: number;
}

/**
 * Writes a trained member's predictions, summary and model into its folder, every file atomically
 * and model.json last: a member folder with model.json is complete.
 */
export function writeMemberFiles(
  memberDir: string,
  member: { validationProbs: ProbsBySeverity; testProbs: ProbsBySeverity; model: SerializedModel } & MemberSummary,
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
  const summary: MemberSummary = { trialId: member.trialId, lossCurve: member.lossCurve, seconds: member.seconds, predictSeconds: member.predictSeconds };
  writeFileAtomic(join(memberDir, MEMBER_SUMMARY_FILE), JSON.stringify(summary) + '\n');
  writeSerializedModel(memberDir, member.model);
}

/**
 * Reads a member written by writeMemberFiles: its predictions at the given severities and its
 * summary, or undefined when the folder is incomplete (no model.json: the training was cut short).
 */
export function readMemberFiles(
  memberDir: string,
  severities: number[],
  shape: { validation: number; test: number; numClasses: number },
): ({ validationProbs: ProbsBySeverity; testProbs: ProbsBySeverity } & MemberSummary) | undefined {
  if (!existsSync(join(memberDir, MEMBER_MODEL_FILE))) return undefined;
  // A damaged model (weights cut short) is as incomplete as a missing one.
  try {
    readModelFiles(memberDir);
  } catch {
    return undefined;
  }
  const read = (split: 'validation' | 'test', severity: number) => {
    const path = join(memberDir, predictionsFile(split, severity));
    const array = readNpy(path);
    expectShape(array, [shape[split], shape.numClasses], path);
    return asFloat32(array);
  };
  const summary = JSON.parse(readFileSync(join(memberDir, MEMBER_SUMMARY_FILE), 'utf8')) as MemberSummary;
  return {
    ...summary,
    predictSeconds: summary.predictSeconds ?? 0,
    validationProbs: Object.fromEntries(severities.map((s) => [s, read('validation', s)])),
    testProbs: Object.fromEntries(severities.map((s) => [s, read('test', s)])),
  };
}
