/** A problem with the runs given to `nes compare`: not runs, unfinished, or not repeats of one config. */
export class CompareInputError extends Error {
  override name = 'CompareInputError';
  readonly inputError = true;
}
