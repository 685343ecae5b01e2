import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { asFloat32, expectShape, readNpy, writeNpy } from '../data/npy.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { readModelFiles, writeSerializedModel, type SerializedModel } from '../train/model-io.js';
import type { TrainingState } from '../train/trainer.js';
import type { Trial } from '../optimizers/types.js';
import { MEMBER_MODEL_FILE, MEMBER_MOMENTUM_FILE, MEMBER_SUMMARY_FILE, predictionsFile } from './member-layout.js';

/** Softmax predictions (N×C, row-major) per severity. */
export type ProbsBySeverity = Record<number, Float32Array>;

/**
 * What is in a member folder, runs/<id>/members/<method>/<trial>/ (RunFolder.memberDir), read and
 * written here only; the names are in member-layout.ts. The farm writes a member (in its worker
 * threads), the search reads it back on resume, export copies its model, the report reads its
 * predictions.
 */
export { predictionsFile };

/** Epochs of the schedule a member's model has: its rung's (multi-fidelity leg), or the whole schedule. */
export function memberEpochs(trial: Pick<Trial, 'fidelity'>, scheduleEpochs: number): number {
  return trial.fidelity?.epochs ?? scheduleEpochs;
}

/** member.json: how the training went. */
export interface MemberSummary {
  trialId: number;
  lossCurve: number[];
  /** Training seconds. */
  seconds: number;
  /** Seconds predicting the evaluation sets (0 in member.json files older than this field). */
  predictSeconds: number;
  /**
   * Epochs of the schedule the model has been trained for: a multi-fidelity leg's rung, else the
   * whole schedule (absent in member.json files older than this field).
   */
  epochs?: number;
}

/**
 * Writes a trained member's predictions, summary and model into its folder, every file atomically
 * and model.json last: a member folder with model.json is complete.
 */
export function writeMemberFiles(
  memberDir: string,
  member: { validationProbs: ProbsBySeverity; testProbs: ProbsBySeverity; model: SerializedModel; state?: TrainingState } & MemberSummary,
  numClasses: number,
): void {
  mkdirSync(memberDir, { recursive: true });
  if (member.state) {
    if (member.epochs !== member.state.epochsDone) throw new Error(`member ${member.trialId}: a training state after ${member.state.epochsDone} epochs, the member says ${member.epochs}`);
    writeNpy(join(memberDir, MEMBER_MOMENTUM_FILE), { dtype: 'float32', shape: [member.state.momentum.length], data: member.state.momentum });
  }
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
  const summary: MemberSummary = {
    trialId: member.trialId,
    lossCurve: member.lossCurve,
    seconds: member.seconds,
    predictSeconds: member.predictSeconds,
    ...(member.epochs !== undefined ? { epochs: member.epochs } : {}),
  };
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

/**
 * A member's predictions on one split at one severity, as stored (N×C rows), or undefined when
 * the member has no such file.
 */
export function readMemberPredictions(memberDir: string, split: 'validation' | 'test', severity: number): { probs: Float32Array; rows: number } | undefined {
  const path = join(memberDir, predictionsFile(split, severity));
  if (!existsSync(path)) return undefined;
  const array = readNpy(path);
  return { probs: asFloat32(array), rows: array.shape[0]! };
}

/**
 * The files of a member's trained model (model.json and every weight file it names, relative to
 * memberDir), checked complete; undefined when the model was not saved.
 */
export function memberModelFiles(memberDir: string): string[] | undefined {
  if (!existsSync(join(memberDir, MEMBER_MODEL_FILE))) return undefined;
  const { modelJson } = readModelFiles(memberDir);
  return [MEMBER_MODEL_FILE, ...modelJson.weightsManifest.flatMap((group) => group.paths)];
}

/**
 * Where a multi-fidelity leg stopped, to continue from: its model files and its training state.
 * Throws, naming the folder, when the leg is incomplete, kept no state (it reached the end of the
 * schedule), or stopped after other than `epochs` epochs.
 */
export function readTrainingStart(memberDir: string, epochs: number): { model: SerializedModel; state: TrainingState } {
  const { weightData } = readModelFiles(memberDir);
  const summary = JSON.parse(readFileSync(join(memberDir, MEMBER_SUMMARY_FILE), 'utf8')) as MemberSummary;
  const momentumPath = join(memberDir, MEMBER_MOMENTUM_FILE);
  if (!existsSync(momentumPath)) throw new Error(`${memberDir} holds no training state (${MEMBER_MOMENTUM_FILE}) to continue from`);
  if (summary.epochs !== epochs) throw new Error(`${memberDir} was trained for ${summary.epochs} epochs; the promotion continues from ${epochs}`);
  const momentum = readNpy(momentumPath);
  return {
    model: { modelJson: readFileSync(join(memberDir, MEMBER_MODEL_FILE), 'utf8'), weights: new Uint8Array(weightData) },
    state: { epochsDone: epochs, momentum: asFloat32(momentum) },
  };
}
