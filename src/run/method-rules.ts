import { legEpochs, type FidelityLadder } from '../optimizers/promotion.js';
import type { Trial } from '../optimizers/types.js';
import type { Method, NesConfig } from './config.js';
import { MULTI_FIDELITY_METHODS } from './config-schema.js';

/**
 * What each method trains and how its ensembles are chosen, from the config alone: the one rule
 * the search plans by (search/methods.ts) and the run's readers (nes runs, the partial report)
 * read by. deepens and deepens-rs train one network per seed of the largest ensemble and take the
 * first M members (no selection); rs, re and deepens-es train the budget and select as configured.
 */
export function takesFirstMembers(method: Method): boolean {
  return method === 'deepens' || method === 'deepens-rs';
}

/** rs-sh and re-sh: NES-RS and NES-RE over a fidelity ladder (multi-fidelity, successive halving). */
export function isMultiFidelity(method: Method): method is (typeof MULTI_FIDELITY_METHODS)[number] {
  return (MULTI_FIDELITY_METHODS as readonly Method[]).includes(method);
}

/** A multi-fidelity method's ladder (config.fidelity, resolved). */
export function fidelityLadder(config: Pick<NesConfig, 'fidelity'>): FidelityLadder {
  if (!config.fidelity.epochs) throw new Error('the config has no fidelity ladder: resolveConfig fills it in for rs-sh and re-sh');
  return { epochs: config.fidelity.epochs, eta: config.fidelity.eta };
}

/** Epochs one trial trains: a leg from its rung's predecessor to its own, else the whole schedule. */
export function trialEpochs(trial: Pick<Trial, 'fidelity'>, config: Pick<NesConfig, 'training' | 'fidelity'>): number {
  return trial.fidelity ? legEpochs(fidelityLadder(config), trial.fidelity.rung) : config.training.epochs;
}

/**
 * Epochs `method` trains in all: the budget's K full trainings; a multi-fidelity method spends the
 * same on more, shorter trainings (the comparison at equal compute).
 */
export function plannedEpochs(method: Method, config: Pick<NesConfig, 'budget' | 'ensembleSizes' | 'training'>): number {
  return (takesFirstMembers(method) ? Math.max(...config.ensembleSizes) : config.budget) * config.training.epochs;
}

/**
 * Trainings `method` runs under `config`. A multi-fidelity method's count depends on its
 * promotions: this is what the ladder gives when one in eta of each rung goes on (its trainings
 * are legs: a network's first rung, or a promotion), a plan for estimates and progress lines.
 */
export function plannedNetworks(method: Method, config: Pick<NesConfig, 'budget' | 'ensembleSizes' | 'training' | 'fidelity'>): number {
  if (!isMultiFidelity(method)) return takesFirstMembers(method) ? Math.max(...config.ensembleSizes) : config.budget;
  const ladder = fidelityLadder(config);
  const share = (rung: number) => ladder.eta ** -rung;
  const epochsPerNetwork = ladder.epochs.reduce((sum, _, rung) => sum + legEpochs(ladder, rung) * share(rung), 0);
  const legsPerNetwork = ladder.epochs.reduce((sum, _, rung) => sum + share(rung), 0);
  return Math.round((plannedEpochs(method, config) / epochsPerNetwork) * legsPerNetwork);
}

/** How `method`'s ensembles are chosen. */
export function methodSelection(method: Method, config: Pick<NesConfig, 'selection'>): NesConfig['selection'] | { method: 'first'; beam: 1 } {
  return takesFirstMembers(method) ? { method: 'first', beam: 1 } : config.selection;
}
