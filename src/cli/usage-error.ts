import { NesInputError } from '../util/errors.js';

/** A mistake in how nes was called (unknown flag, missing value): reported in one line, exit code 2. */
export class UsageError extends NesInputError {
  override name = 'UsageError';
}
