export type { Optimizer, ResumableOptimizer, Trial, TrialResult } from './types.js';
export { RandomSearch, type RandomSearchOptions, type RandomSearchSnapshot } from './random-search.js';
export {
  RegularizedEvolution,
  DEFAULT_PARENT_CANDIDATES,
  DEFAULT_POPULATION_SIZE,
  type RegularizedEvolutionOptions,
  type RegularizedEvolutionSnapshot,
  type TrialLookup,
} from './regularized-evolution.js';
export { FixedArchitecture, type FixedArchitectureOptions, type FixedArchitectureSnapshot } from './fixed-architecture.js';
