/**
 * The files of one member folder, runs/<id>/members/<method>/<trial>/ (RunFolder.memberDir): the
 * farm writes them, the search reads them back on resume, the report and the leaderboard read them
 * from a run that has not finished. One owner of the names, so the writers and readers agree.
 */

/** A member's predictions on a split at a severity: test.npy when clean, test-severity-3.npy shifted. */
export function predictionsFile(split: 'validation' | 'test', severity: number): string {
  return severity === 0 ? `${split}.npy` : `${split}-severity-${severity}.npy`;
}

/** member.json: the loss curve and the training and prediction seconds (farm/member-files.ts MemberSummary). */
export const MEMBER_SUMMARY_FILE = 'member.json';

/** model.json is written last: a member folder that has it is complete. */
export const MEMBER_MODEL_FILE = 'model.json';

/**
 * A multi-fidelity leg that stopped short of the schedule: its SGD momentum buffers (float32, one
 * row), what a promotion continues from besides the weights. Its epochs are in member.json.
 */
export const MEMBER_MOMENTUM_FILE = 'momentum.npy';
