import type { DatasetSplits, Normalization } from '../data/types.js';
import { shiftSources, type ShiftSource } from '../farm/worker-data.js';
import type { NesConfig } from '../run/config.js';
import type { RunFolder } from '../run/run-folder.js';
import type { Genotype, MacroConfig } from '../space/types.js';
import type { EngineName } from '../util/engine-names.js';
import { NES_VERSION } from '../version.js';
import type { AnytimePoint, EnsembleResult, MemberMetrics } from './evaluate-pool.js';
import type { FailedTrial, MethodPool } from './pool.js';

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
    }
  >;
}

export function buildResults(input: {
  run: RunFolder;
  config: NesConfig;
  dataset: DatasetSplits;
  engine: EngineName;
  engineDevice?: string;
  workers: number;
  seconds: number;
  macro: MacroConfig;
  methods: {
    pool: MethodPool;
    members: MemberMetrics[];
    ensembles: EnsembleResult[];
    cleanSelection: EnsembleResult[];
    anytime: AnytimePoint[];
  }[];
}): SearchResults {
  const { dataset } = input;
  const methods: SearchResults['methods'] = {};
  for (const { pool, members, ensembles, cleanSelection, anytime } of input.methods) {
    const byTrial = new Map(pool.members.map((m) => [m.trialId, m]));
    // The best single network by validation NLL, reported with its test metrics.
    const bestMember = members.reduce<MemberMetrics | null>(
      (best, m) => (best === null || m.validation.nll < best.validation.nll ? m : best),
      null,
    );
    methods[pool.method] = {
      pool: members.map((m) => ({ ...m, genotype: byTrial.get(m.trialId)!.genotype, seed: byTrial.get(m.trialId)!.seed })),
      failed: pool.failed,
      bestMember,
      ensembles,
      cleanSelection,
      anytime,
    };
  }
  return {
    run: input.run.id,
    nesVersion: NES_VERSION,
    engine: input.engine,
    ...(input.engineDevice ? { engineDevice: input.engineDevice } : {}),
    workers: input.workers,
    seconds: input.seconds,
    dataset: {
      name: dataset.name,
      train: dataset.train.count,
      validation: dataset.validation.count,
      test: dataset.test.count,
      numClasses: dataset.numClasses,
      classNames: dataset.classNames,
      inputShape: [dataset.train.height, dataset.train.width, dataset.train.channels],
      normalization: dataset.normalization,
    },
    shift: { severities: input.config.shift.severities, ...shiftSources(input.config.shift) },
    macro: input.macro,
    training: input.config.training,
    table: input.methods.flatMap(({ ensembles }) =>
      ensembles.map((e) => ({
        method: e.method,
        size: e.size,
        severity: e.severity,
        nll: e.test.nll,
        error: e.test.error,
        ece: e.test.ece,
        brier: e.test.brier,
      })),
    ),
    methods,
  };
}
