import { ConfigError } from '../run/config.js';
import { NesInputError } from '../util/errors.js';

/**
 * Prints an error the way a user should see it and returns the process exit code: an error caused
 * by the user's input (a NesInputError) is one clear line, no stack trace, code 2; anything else is
 * an internal error, code 1.
 */
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
  if (error instanceof NesInputError) {
    console.error(`nes: ${error.message}`);
    return 2;
  }
  console.error(`nes: internal error: ${error instanceof Error ? error.message : String(error)}`);
  if (process.env.NES_DEBUG) console.error(error);
  else console.error('(set NES_DEBUG=1 for the stack trace; please report it)');
  return 1;
}
