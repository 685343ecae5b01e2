/** Thrown when metric or selection inputs are inconsistent (lengths, label range, sizes, weights). */
export class MetricInputError extends Error {
  override name = 'MetricInputError';
}
