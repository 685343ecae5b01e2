import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { select, selectsWithReplacement, type EnsembleChoice } from '../ensemble/select.js';
import { evaluateEnsemble, type EnsembleEvaluation } from '../evaluate/ensemble-metrics.js';
import type { NesConfig } from '../run/config.js';
import type { MethodPool, PoolMember } from './pool.js';

/** The configured selection, or 'first' (the first M members: the DeepEns baselines). */
export type SelectionSpec = { method: EnsembleChoice; beam: number };

export interface EvaluationSettings {
  selection: SelectionSpec;
  evaluation: NesConfig['evaluation'];
}

export interface SplitMetrics {
  nll: number;
  error: number;
  ece: number;
  brier: number;
}

export interface EnsembleResult {
  method: string;
  size: number;
  /** Shift severity of the test data it is evaluated on (0 = clean). */
  severity: number;
  /** Severity of the validation data it was selected on. */
  selectedOnSeverity: number;
  selection: SelectionSpec['method'];
  /** Trial ids in order of selection (repeats possible for caruana). */
  members: number[];
  /** Per chosen member, its weight in the average (1/M each; caruana repeats a member per pick). */
  weights: number[];
  validation: SplitMetrics;
  /** Every ensemble metric but the per-member list (members have their own results). */
  test: Omit<EnsembleEvaluation, 'members'>;
}

/** One pool member's own metrics (results.json's pool entries); not farm/redis's MemberResult payload. */
export interface MemberMetrics {
  trialId: number;
  genotypeId: string;
  /** Clean validation and test metrics. */
  validation: SplitMetrics;
  test: SplitMetrics;
  /** Test metrics at every evaluated severity (0 included). */
  testBySeverity: Record<number, SplitMetrics>;
  /** Training seconds, and seconds predicting the evaluation sets. */
  seconds: number;
  predictSeconds: number;
}

/** The run's validation and test labels (runs/<id>/labels/) and its number of classes. */
export interface RunLabels {
  validation: Uint8Array;
  test: Uint8Array;
  numClasses: number;
}

export interface AnytimePoint {
  networks: number;
  size: number;
  severity: number;
  validationNll: number;
  testNll: number;
  testError: number;
  testEce: number;
}

/**
 * Chooses an ensemble of `size` from `members` on validation data at `selectOn` and measures it on
 * validation (same severity) and test data at `evaluateOn`.
 */
export function selectAndEvaluate(
  pool: MethodPool,
  members: PoolMember[],
  size: number,
  labels: RunLabels,
  settings: EvaluationSettings,
  severities: { selectOn: number; evaluateOn: number } = { selectOn: 0, evaluateOn: 0 },
): EnsembleResult {
  const { selectOn, evaluateOn } = severities;
  const trueProbs = members.map((m) =>
    trueClassProbabilities(m.validationProbs[selectOn]!, labels.validation, labels.numClasses),
  );
  const indices = select(settings.selection.method, trueProbs, size, { beam: settings.selection.beam }).members;
  // Per pick, so that a member caruana picks twice counts twice.
  const weights = indices.map(() => 1 / indices.length);
  const bins = settings.evaluation.eceBins;
  const validation = evaluateEnsemble(
    indices.map((i) => members[i]!.validationProbs[selectOn]!),
    labels.validation,
    labels.numClasses,
    { bins, weights },
  );
  const test = evaluateEnsemble(
    indices.map((i) => members[i]!.testProbs[evaluateOn]!),
    labels.test,
    labels.numClasses,
    { bins, weights },
  );
  return {
    method: pool.method,
    size,
    severity: evaluateOn,
    selectedOnSeverity: selectOn,
    selection: settings.selection.method,
    members: indices.map((i) => members[i]!.trialId),
    weights,
    validation: splitMetrics(validation),
    test: withoutMembers(test),
  };
}

/** Metrics of each pool member on its own. */
export function evaluateMembers(pool: MethodPool, labels: RunLabels, bins: number): MemberMetrics[] {
  const metricsOf = (probs: Float32Array, split: Uint8Array) =>
    splitMetrics(evaluateEnsemble([probs], split, labels.numClasses, { bins }));
  return pool.members.map((member) => {
    const testBySeverity = Object.fromEntries(
      Object.entries(member.testProbs).map(([severity, probs]) => [severity, metricsOf(probs, labels.test)]),
    );
    return {
      trialId: member.trialId,
      genotypeId: member.genotypeId,
      validation: metricsOf(member.validationProbs[0]!, labels.validation),
      test: testBySeverity[0]!,
      testBySeverity,
      seconds: member.seconds,
      predictSeconds: member.predictSeconds,
    };
  });
}

/**
 * Ensemble selection redone on the first n networks trained, n = step, 2·step, …, K (clean data).
 * A step that would give fewer than MIN_ANYTIME_POINTS points on this pool is refined to about
 * ten (a budget under the step would otherwise plot one point); without replacement an ensemble
 * of M needs M networks, so a size's curve starts at n ≥ M (issue 20, item 15).
 */
export function anytimeCurve(pool: MethodPool, sizes: number[], labels: RunLabels, settings: EvaluationSettings): AnytimePoint[] {
  const total = pool.members.length;
  const step = anytimeStepFor(total, settings.evaluation.anytimeStep);
  const checkpoints: number[] = [];
  for (let n = step; n < total; n += step) checkpoints.push(n);
  if (total > 0) checkpoints.push(total);
  const withReplacement = selectsWithReplacement(settings.selection.method);
  return checkpoints.flatMap((networks) => {
    const firstN = pool.members.slice(0, networks);
    return sizes
      .filter((size) => withReplacement || networks >= size)
      .map((size) => {
        const result = selectAndEvaluate(pool, firstN, size, labels, settings);
        return {
          networks,
          size,
          severity: 0,
          validationNll: result.validation.nll,
          testNll: result.test.nll,
          testError: result.test.error,
          testEce: result.test.ece,
        };
      });
  });
}

const MIN_ANYTIME_POINTS = 5;

/** The configured step, or ⌈K/10⌉ when the configured one gives fewer than five points on K networks. */
export function anytimeStepFor(networks: number, configured: number): number {
  return Math.floor(networks / configured) >= MIN_ANYTIME_POINTS ? configured : Math.max(1, Math.ceil(networks / 10));
}

function withoutMembers({ members: _members, ...ensemble }: EnsembleEvaluation): Omit<EnsembleEvaluation, 'members'> {
  return ensemble;
}

function splitMetrics(metrics: SplitMetrics): SplitMetrics {
  return { nll: metrics.nll, error: metrics.error, ece: metrics.ece, brier: metrics.brier };
}
