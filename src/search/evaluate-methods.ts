import type { Method, NesConfig } from '../run/config.js';
import { methodSelection } from '../run/method-rules.js';
import { anytimeCurve, evaluateMembers, selectAndEvaluate, type EvaluationSettings, type RunLabels } from './evaluate-pool.js';
import type { buildResults } from './results.js';
import type { TrainedMethod } from './train-methods.js';

type EvaluatedMethod = Parameters<typeof buildResults>[0]['methods'][number];

/**
 * Step three of a search: each method's members on their own, its ensembles of every configured
 * size at every severity, and its anytime curve.
 */
export function evaluateMethods(methods: TrainedMethod[], labels: RunLabels, config: NesConfig): EvaluatedMethod[] {
  return methods.map(({ pool }) => {
    const evaluation: EvaluationSettings = { ...config, selection: methodSelection(pool.method as Method, config) };
    const each = <T>(make: (size: number, severity: number) => T[]): T[] =>
      pool.members.length === 0
        ? []
        : config.ensembleSizes.flatMap((size) => config.shift.severities.flatMap((severity) => make(size, severity)));
    return {
      pool,
      members: evaluateMembers(pool, labels, config.evaluation.eceBins),
      // Shift-aware selection: chosen on validation data at the severity it is tested at.
      ensembles: each((size, severity) => [
        selectAndEvaluate(pool, pool.members, size, labels, evaluation, { selectOn: severity, evaluateOn: severity }),
      ]),
      // The usual practice, for comparison: chosen on clean validation data, tested under shift.
      cleanSelection: each((size, severity) =>
        severity === 0
          ? []
          : [selectAndEvaluate(pool, pool.members, size, labels, evaluation, { selectOn: 0, evaluateOn: severity })],
      ),
      anytime: anytimeCurve(pool, config.ensembleSizes, labels, evaluation, config.training.epochs),
    };
  });
}
