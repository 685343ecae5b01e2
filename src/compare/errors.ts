import { NesInputError } from '../util/errors.js';

/** A problem with the runs given to `nes compare`: not runs, unfinished, or not repeats of one config. */
export class CompareInputError extends NesInputError {
  override name = 'CompareInputError';
}
