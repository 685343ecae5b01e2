export { compareRuns, methodLabel, ENSEMBLE_METRICS, type Comparison, type EnsembleRow } from './aggregate.js';
export { checkRepeats, findRunDirs, loadComparedRuns, type ComparedRun } from './runs.js';
export { meanSe, type MeanSe } from './statistics.js';
export { comparisonTable, computeTable, formatMeanSe } from './table.js';
export { writeComparison } from './write-comparison.js';
export { CompareInputError } from './errors.js';
