import { trueClassProbabilities } from '../ensemble/forward-select.js';
import { select, selectsWithReplacement } from '../ensemble/select.js';
import { evaluateEnsemble, type EnsembleEvaluation } from '../evaluate/ensemble-metrics.js';
import type { AnytimePoint, EnsembleResult, MemberMetrics, SelectionSpec, SplitMetrics } from '../run/results-types.js';
import type { NesConfig } from '../run/config.js';
import { latestLegs, trainedEpochs, type MethodPool, type PoolMember } from './pool.js';

/** Defined with results.json, which holds them. */
export type { AnytimePoint, EnsembleResult, MemberMetrics, SelectionSpec, SplitMetrics } from '../run/results-types.js';

export interface EvaluationSettings {
  selection: SelectionSpec;
  evaluation: NesConfig['evaluation'];
}

/** The run's validation and test labels (runs/<id>/labels/) and its number of classes. */
export interface RunLabels {
  validation: Uint8Array;
  test: Uint8Array;
  numClasses: number;
}

/**
 * Chooses an ensemble of `size` from `members` on validation data at `selectOn` and measures it on
 * validation (same severity) and test data at `evaluateOn`. A multi-fidelity pool's networks are
 * candidates once each, at the highest rung they reached (latestLegs).
 */
export function selectAndEvaluate(
  pool: MethodPool,
  candidates: PoolMember[],
  size: number,
  labels: RunLabels,
  settings: EvaluationSettings,
  severities: { selectOn: number; evaluateOn: number } = { selectOn: 0, evaluateOn: 0 },
): EnsembleResult {
  const { selectOn, evaluateOn } = severities;
  const members = latestLegs(candidates);
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
      ...(member.fidelity ? { fidelity: { network: member.network, ...member.fidelity } } : {}),
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
 * of M needs M networks, so a size's curve starts at n ≥ M (issue 20, item 15). A multi-fidelity
 * pool counts its trainings (legs) and selects among the networks they reached; with
 * `scheduleEpochs` every point also says how many epochs the first n trainings cost.
 */
export function anytimeCurve(pool: MethodPool, sizes: number[], labels: RunLabels, settings: EvaluationSettings, scheduleEpochs?: number): AnytimePoint[] {
  const total = pool.members.length;
  const legEpochs = scheduleEpochs === undefined ? undefined : trainedEpochs(pool.members, scheduleEpochs);
  const step = anytimeStepFor(total, settings.evaluation.anytimeStep);
  const checkpoints: number[] = [];
  for (let n = step; n < total; n += step) checkpoints.push(n);
  if (total > 0) checkpoints.push(total);
  const withReplacement = selectsWithReplacement(settings.selection.method);
  return checkpoints.flatMap((networks) => {
    const firstN = pool.members.slice(0, networks);
    const distinct = latestLegs(firstN).length;
    const epochs = legEpochs?.slice(0, networks).reduce((a, b) => a + b, 0);
    return sizes
      .filter((size) => withReplacement || distinct >= size)
      .map((size) => {
        const result = selectAndEvaluate(pool, firstN, size, labels, settings);
        return {
          networks,
          ...(epochs === undefined ? {} : { epochs }),
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
