import { caruanaSelect } from '../ensemble/caruana.js';
import { forwardSelect, trueClassProbabilities } from '../ensemble/forward-select.js';
import { topSelect } from '../ensemble/top.js';
import { evaluateEnsemble } from '../evaluate/ensemble-metrics.js';
import type { NesConfig } from '../run/config.js';
import type { MethodPool, PoolMember } from './pool.js';

export interface SplitMetrics {
  nll: number;
  error: number;
  ece: number;
  brier: number;
}

/** The configured selection, or 'first' (the first M members: the DeepEns baselines). */
export type SelectionSpec = { method: NesConfig['selection']['method'] | 'first'; beam: number };

export interface EnsembleResult {
  method: string;
  size: number;
  severity: number;
  selection: SelectionSpec['method'];
  /** Trial ids in order of selection (repeats possible for caruana). */
  members: number[];
  /** Per chosen member, its weight in the average (1/M each except for caruana). */
  weights: number[];
  validation: SplitMetrics;
  test: SplitMetrics & {
    oracleNll: number;
    avgMemberNll: number;
    avgMemberError: number;
    avgMemberEce: number;
    disagreement: number;
    normalizedDisagreement: number;
    ambiguity: number;
  };
}

export interface MemberResult {
  trialId: number;
  genotypeId: string;
  validation: SplitMetrics;
  test: SplitMetrics;
  seconds: number;
}

export interface Labels {
  validation: Uint8Array;
  test: Uint8Array;
  numClasses: number;
}

/** Chooses an ensemble of `size` from the pool on validation data and measures it on both splits. */
export function selectAndEvaluate(
  pool: MethodPool,
  members: PoolMember[],
  size: number,
  labels: Labels,
  config: { selection: SelectionSpec; evaluation: NesConfig['evaluation'] },
): EnsembleResult {
  const trueProbs = members.map((m) => trueClassProbabilities(m.validationProbs, labels.validation, labels.numClasses));
  const { indices, weights } = choose(trueProbs, size, config.selection);
  const bins = config.evaluation.eceBins;
  const pick = (split: 'validationProbs' | 'testProbs') => indices.map((i) => members[i]![split]);
  const validation = evaluateEnsemble(pick('validationProbs'), labels.validation, labels.numClasses, { bins, weights });
  const test = evaluateEnsemble(pick('testProbs'), labels.test, labels.numClasses, { bins, weights });
  return {
    method: pool.method,
    size,
    severity: 0,
    selection: config.selection.method,
    members: indices.map((i) => members[i]!.trialId),
    weights,
    validation: splitMetrics(validation),
    test: {
      ...splitMetrics(test),
      oracleNll: test.oracleNll,
      avgMemberNll: test.avgMemberNll,
      avgMemberError: test.avgMemberError,
      avgMemberEce: test.avgMemberEce,
      disagreement: test.disagreement,
      normalizedDisagreement: test.normalizedDisagreement,
      ambiguity: test.ambiguity,
    },
  };
}

/** Metrics of each pool member on its own. */
export function evaluateMembers(pool: MethodPool, labels: Labels, bins: number): MemberResult[] {
  return pool.members.map((member) => ({
    trialId: member.trialId,
    genotypeId: member.genotypeId,
    validation: splitMetrics(evaluateEnsemble([member.validationProbs], labels.validation, labels.numClasses, { bins })),
    test: splitMetrics(evaluateEnsemble([member.testProbs], labels.test, labels.numClasses, { bins })),
    seconds: member.seconds,
  }));
}

export interface AnytimePoint {
  networks: number;
  size: number;
  validationNll: number;
  testNll: number;
  testError: number;
  testEce: number;
}

/** Ensemble selection redone on the first n networks trained, n = step, 2·step, …, K. */
export function anytimeCurve(
  pool: MethodPool,
  sizes: number[],
  labels: Labels,
  config: { selection: SelectionSpec; evaluation: NesConfig['evaluation'] },
): AnytimePoint[] {
  const step = config.evaluation.anytimeStep;
  const total = pool.members.length;
  const checkpoints: number[] = [];
  for (let n = step; n < total; n += step) checkpoints.push(n);
  if (total > 0) checkpoints.push(total);
  return checkpoints.flatMap((networks) => {
    const firstN = pool.members.slice(0, networks);
    return sizes.map((size) => {
      const result = selectAndEvaluate(pool, firstN, size, labels, config);
      return {
        networks,
        size,
        validationNll: result.validation.nll,
        testNll: result.test.nll,
        testError: result.test.error,
        testEce: result.test.ece,
      };
    });
  });
}

function choose(
  trueProbs: Float32Array[],
  size: number,
  selection: SelectionSpec,
): { indices: number[]; weights: number[] } {
  if (selection.method === 'first') {
    const indices = trueProbs.slice(0, size).map((_, i) => i);
    return { indices, weights: indices.map(() => 1 / indices.length) };
  }
  if (selection.method === 'caruana') {
    const { members } = caruanaSelect(trueProbs, size);
    return { indices: members, weights: members.map(() => 1 / members.length) };
  }
  const indices =
    selection.method === 'top' ? topSelect(trueProbs, size) : forwardSelect(trueProbs, size, { beam: selection.beam });
  return { indices, weights: indices.map(() => 1 / indices.length) };
}

function splitMetrics(metrics: SplitMetrics): SplitMetrics {
  return { nll: metrics.nll, error: metrics.error, ece: metrics.ece, brier: metrics.brier };
}
