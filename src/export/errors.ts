import { NesInputError } from '../util/errors.js';

/**
 * A problem with what the user asked to export or load (unknown method or size, missing run,
 * a folder that is not an exported ensemble).
 */
export class EnsembleInputError extends NesInputError {
  override name = 'EnsembleInputError';
}
