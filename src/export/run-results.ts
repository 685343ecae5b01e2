import { readResults } from '../run/results-file.js';
import type { EnsembleResult, SearchResults } from '../run/results-types.js';
import { EnsembleInputError } from './errors.js';

/** runs/<id>/results.json, read and checked by run/ (the public API's name for it). */
export const readRunResults = readResults;

export interface EnsembleChoice {
  method?: string;
  size?: number;
  severity?: number;
}

/**
 * The ensemble a user asked for. What is not given is chosen by validation NLL at the severity
 * (default 0): with neither method nor size, the best ensemble of the whole run; with one of
 * them, the best of the rest. Unknown method, size or severity → an error listing what exists.
 */
export function chooseEnsemble(results: SearchResults, choice: EnsembleChoice = {}): EnsembleResult {
  const methods = Object.keys(results.methods);
  if (methods.length === 0) throw new EnsembleInputError(`run ${results.run} holds no method results`);
  if (choice.method !== undefined && !results.methods[choice.method]) {
    throw new EnsembleInputError(`run ${results.run} has no method "${choice.method}"; it has: ${methods.join(', ')}`);
  }
  const severity = choice.severity ?? 0;
  const inMethods = (choice.method === undefined ? methods : [choice.method]).flatMap((m) => results.methods[m]!.ensembles);
  const atSeverity = inMethods.filter((e) => (e.severity ?? 0) === severity);
  const where = `run ${results.run}${choice.method === undefined ? '' : `, method ${choice.method}`}`;
  if (atSeverity.length === 0) {
    const severities = sortedUnique(inMethods.map((e) => e.severity ?? 0));
    throw new EnsembleInputError(`${where}: no ensembles at severity ${severity}; severities: ${severities.join(', ') || 'none'}`);
  }
  const candidates = choice.size === undefined ? atSeverity : atSeverity.filter((e) => e.size === choice.size);
  if (candidates.length === 0) {
    const sizes = sortedUnique(atSeverity.map((e) => e.size));
    throw new EnsembleInputError(`${where}, severity ${severity}: no ensemble of size ${choice.size}; sizes: ${sizes.join(', ')}`);
  }
  // Ties keep the first listed (methods in run order, sizes ascending): the smaller ensemble.
  return candidates.reduce((best, e) => (e.validation.nll < best.validation.nll ? e : best));
}

/**
 * Distinct chosen members in order of first selection, with their weights normalised to sum to 1
 * (caruana selects with replacement: a repeated member adds up its weights).
 */
export function distinctMembers(ensemble: EnsembleResult): { trialId: number; weight: number }[] {
  const weights = new Map<number, number>();
  ensemble.members.forEach((trialId, index) => {
    weights.set(trialId, (weights.get(trialId) ?? 0) + (ensemble.weights[index] ?? 1 / ensemble.members.length));
  });
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  return [...weights].map(([trialId, weight]) => ({ trialId, weight: weight / total }));
}

function sortedUnique(values: number[]): number[] {
  return [...new Set(values)].sort((a, b) => a - b);
}
