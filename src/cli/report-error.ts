import { ConfigError } from '../run/config.js';
import { RunFolderError } from '../run/run-folder.js';
import { DataFormatError } from '../data/errors.js';
import { UsageError } from './usage-error.js';

/** Errors caused by the user's input: one clear line each, no stack trace. */
const INPUT_ERRORS = [UsageError, ConfigError, DataFormatError, RunFolderError];

/** Prints an error the way a user should see it and returns the process exit code. */
export function reportError(error: unknown): number {
  if (error instanceof ConfigError) {
    if (error.problems.length === 1) {
      console.error(`nes: invalid config: ${error.problems[0]}`);
    } else {
      console.error(`nes: invalid config (${error.problems.length} problems):`);
      for (const problem of error.problems) console.error(`  ${problem}`);
    }
    return 2;
  }
  if (INPUT_ERRORS.some((kind) => error instanceof kind) || isInputError(error)) {
    console.error(`nes: ${(error as Error).message}`);
    return 2;
  }
  console.error(`nes: internal error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.NES_DEBUG) console.error(error);
  else console.error('(set NES_DEBUG=1 for the stack trace; please report it)');
  return 1;
}

/** Errors of other modules that mark themselves as input errors. */
function isInputError(error: unknown): boolean {
  return error instanceof Error && (error as Error & { inputError?: boolean }).inputError === true;
}
