/**
 * The base of every error caused by the user's input (a flag, a config, a data file, a run folder,
 * inconsistent predictions): the CLI prints its message as one line, without a stack trace, and
 * exits with code 2 (cli/report-error.ts). Any other error is an internal one (exit code 1, "please
 * report it"). A new user-facing error extends this class; nothing else marks it.
 */
export class NesInputError extends Error {
  override name = 'NesInputError';
}
