export type { Optimizer, Trial, TrialFidelity, TrialOrigin, TrialResult } from './types.js';
export { networkOf } from './types.js';
export { RandomSearch, type RandomSearchOptions } from './random-search.js';
export {
  RegularizedEvolution,
  DEFAULT_PARENT_CANDIDATES,
  DEFAULT_POPULATION_SIZE,
  type RegularizedEvolutionOptions,
} from './regularized-evolution.js';
export { FixedArchitecture, type FixedArchitectureOptions } from './fixed-architecture.js';
export { SuccessiveHalving, type SuccessiveHalvingOptions } from './successive-halving.js';
export { PromotionQueue, PROMOTION_RULES, defaultLadder, legEpochs, type FidelityLadder, type PromotionRule } from './promotion.js';
export { TrialIds } from './trial-ledger.js';
