import { NesInputError } from '../util/errors.js';

/** Thrown when metric or selection inputs are inconsistent (lengths, label range, sizes, weights). */
export class MetricInputError extends NesInputError {
  override name = 'MetricInputError';
}
