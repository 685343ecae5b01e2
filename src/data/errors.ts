import { NesInputError } from '../util/errors.js';

/**
 * Raised for any malformed, missing or unexpected data file. The message is one line:
 * "<file>: <what is wrong> (expected <what should be there>)".
 */
export class DataFormatError extends NesInputError {
  override readonly name = 'DataFormatError';
  /** The file (or in-memory source label) the problem was found in. */
  readonly source: string;

  constructor(source: string, problem: string) {
    super(`${source}: ${problem}`);
    this.source = source;
  }
}
