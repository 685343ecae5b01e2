/**
 * A problem with what the user asked to export or load (unknown method or size, missing run,
 * a folder that is not an exported ensemble). Marked as an input error, so the CLI prints one line.
 */
export class EnsembleInputError extends Error {
  override name = 'EnsembleInputError';
  readonly inputError = true;
}
