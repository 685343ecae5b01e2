export type { Optimizer, Trial, TrialOrigin, TrialResult } from './types.js';
export { RandomSearch, type RandomSearchOptions } from './random-search.js';
export {
  RegularizedEvolution,
  DEFAULT_PARENT_CANDIDATES,
  DEFAULT_POPULATION_SIZE,
  type RegularizedEvolutionOptions,
} from './regularized-evolution.js';
export { FixedArchitecture, type FixedArchitectureOptions } from './fixed-architecture.js';
