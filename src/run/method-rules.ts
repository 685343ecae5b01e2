import type { Method, NesConfig } from './config.js';

/**
 * What each method trains and how its ensembles are chosen, from the config alone: the one rule
 * the search plans by (search/methods.ts) and the run's readers (nes runs, the partial report)
 * read by. deepens and deepens-rs train one network per seed of the largest ensemble and take the
 * first M members (no selection); rs, re and deepens-es train the budget and select as configured.
 */
export function takesFirstMembers(method: Method): boolean {
  return method === 'deepens' || method === 'deepens-rs';
}

/** Networks `method` trains under `config`. */
export function plannedNetworks(method: Method, config: Pick<NesConfig, 'budget' | 'ensembleSizes'>): number {
  return takesFirstMembers(method) ? Math.max(...config.ensembleSizes) : config.budget;
}

/** How `method`'s ensembles are chosen. */
export function methodSelection(method: Method, config: Pick<NesConfig, 'selection'>): NesConfig['selection'] | { method: 'first'; beam: 1 } {
  return takesFirstMembers(method) ? { method: 'first', beam: 1 } : config.selection;
}
