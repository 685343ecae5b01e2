import { caruanaSelect } from './caruana.js';
import { forwardSelect } from './forward-select.js';
import { topSelect } from './top.js';

/**
 * The ensemble selection methods a user chooses from: the config's selection.method,
 * `nes search --selection` and `nes select --method`. A new method is added here and in select().
 */
export const SELECTION_METHODS = ['forward', 'caruana', 'top'] as const;
export type SelectionMethod = (typeof SELECTION_METHODS)[number];

/**
 * What picks a method's ensembles: a selection method, or 'first', the first M members in training
 * order without selection (the DeepEns baselines; recorded as such in results.json).
 */
export type EnsembleChoice = SelectionMethod | 'first';

/** Every EnsembleChoice, as results.json and an exported manifest may record it. */
export const ENSEMBLE_CHOICES: readonly EnsembleChoice[] = [...SELECTION_METHODS, 'first'];

export interface Selection {
  /** Pool indices in order of selection; with replacement (caruana) a member may repeat. */
  members: number[];
  /** Per pool member: times selected / picks. Sums to 1 when anything was selected. */
  weights: number[];
}

export interface SelectOptions {
  /** Beam width of forward selection (default 1); the other methods ignore it. */
  beam?: number;
}

export function isSelectionMethod(value: string): value is SelectionMethod {
  return (SELECTION_METHODS as readonly string[]).includes(value);
}

/** Whether `method` may pick a member more than once, so that any size can be chosen from K members. */
export function selectsWithReplacement(method: EnsembleChoice): boolean {
  return method === 'caruana';
}

/**
 * Chooses an ensemble of `size` from a pool given as each member's true-class probabilities
 * (`trueClassProbs[k][i]`: member k's probability of point i's true class). Without replacement
 * the ensemble has min(size, K) members.
 */
export function select(method: EnsembleChoice, trueClassProbs: Float32Array[], size: number, options: SelectOptions = {}): Selection {
  const members = pick(method, trueClassProbs, size, options);
  const counts = new Array<number>(trueClassProbs.length).fill(0);
  for (const member of members) counts[member]!++;
  return { members, weights: counts.map((count) => (members.length === 0 ? 0 : count / members.length)) };
}

function pick(method: EnsembleChoice, trueClassProbs: Float32Array[], size: number, options: SelectOptions): number[] {
  switch (method) {
    case 'first':
      return trueClassProbs.slice(0, size).map((_, index) => index);
    case 'forward':
      return forwardSelect(trueClassProbs, size, { beam: options.beam });
    case 'caruana':
      return caruanaSelect(trueClassProbs, size).members;
    case 'top':
      return topSelect(trueClassProbs, size);
  }
}
