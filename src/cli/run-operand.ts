import { UsageError } from './usage-error.js';

/** The run a verb works on: its one operand (nes leaderboard RUN) or --run RUN, not both. */
export function runOperand(verb: string, flag: string | undefined, operands: string[]): string {
  if (operands.length > 1) throw new UsageError(`nes ${verb}: one run at a time, got ${operands.length} (${operands.join(' ')})`);
  if (flag !== undefined && operands.length > 0) throw new UsageError(`nes ${verb}: give the run once, as RUN or as --run RUN`);
  const run = flag ?? operands[0];
  if (run === undefined || run === '') throw new UsageError(`nes ${verb}: a run is required: give RUN (its id or folder) or --run RUN; see "nes ${verb} --help"`);
  return run;
}
