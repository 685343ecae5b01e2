/**
 * The types of runs/<id>/results.json (SearchResults and its parts). search/ builds the file;
 * export/, report/ and compare/ read it through run/results-file.ts. results-schema.ts checks a
 * file read back against the fields they use.
 */
import type { Normalization } from '../data/types.js';
import type { EnsembleChoice } from '../ensemble/select.js';
import type { EnsembleEvaluation } from '../evaluate/ensemble-metrics.js';
import type { Genotype, MacroConfig } from '../space/types.js';
import type { EngineName } from '../util/engine-names.js';
import type { NesConfig } from './config.js';

/** The configured selection, or 'first' (the first M members: the DeepEns baselines). */
export type SelectionSpec = { method: EnsembleChoice; beam: number };

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
  /**
   * A leg of a multi-fidelity method (rs-sh, re-sh): its network (the trial id of the network's
   * first leg), the rung it reached and the epochs of the schedule trained by then.
   */
  fidelity?: MemberFidelity;
}

export interface MemberFidelity {
  network: number;
  rung: number;
  epochs: number;
}

export interface AnytimePoint {
  /** Trainings finished (a multi-fidelity method's legs), in order of proposal. */
  networks: number;
  /** Epochs those trainings trained, the compute axis (absent in older results). */
  epochs?: number;
  size: number;
  severity: number;
  validationNll: number;
  testNll: number;
  testError: number;
  testEce: number;
}

export interface FailedTrial {
  trialId: number;
  genotypeId: string;
  reason: string;
  attempts: number;
}

/** Where a split's shifted images come from, as results.json records it. */
export type ShiftSource =
  | { source: 'generated'; suite: string; kinds: string[] }
  | { source: 'folder'; dir: string; kinds: string[] };

/** runs/<id>/results.json: documented field by field in the README. */
export interface SearchResults {
  run: string;
  nesVersion: string;
  engine: EngineName;
  /** The GPU the engine computes on (webgpu), as the coordinator saw it; absent on CPU engines. */
  engineDevice?: string;
  workers: number;
  seconds: number;
  dataset: {
    name: string;
    train: number;
    validation: number;
    test: number;
    numClasses: number;
    classNames: string[];
    /** [height, width, channels] of one image. */
    inputShape: [number, number, number];
    /** What the members were trained with. */
    normalization: Normalization;
  };
  /** The severities evaluated and where each split's shifted images came from (generated suite or released folder). */
  shift: { severities: number[]; validation: ShiftSource; test: ShiftSource };
  /** Macro settings of the trained networks (cells, channels, stem multiplier). */
  macro: MacroConfig;
  /** Training settings of every member. */
  training: NesConfig['training'];
  /** One row per method × ensemble size × severity: the headline table. */
  table: { method: string; size: number; severity: number; nll: number; error: number; ece: number; brier: number }[];
  methods: Record<
    string,
    {
      pool: (MemberMetrics & { genotype: Genotype; seed: number })[];
      failed: FailedTrial[];
      bestMember: MemberMetrics | null;
      /** Per size M and test severity s: the ensemble selected on validation data at severity s. */
      ensembles: EnsembleResult[];
      /** Per size M and severity s > 0: the ensemble selected on clean validation data, tested at s. */
      cleanSelection: EnsembleResult[];
      anytime: AnytimePoint[];
      /** What the pool cost: epochs trained and seconds training and predicting, by its finished trainings (absent in older results). */
      compute?: MethodCompute;
    }
  >;
}

export interface MethodCompute {
  epochs: number;
  trainSeconds: number;
  predictSeconds: number;
}
