import type { DatasetSplits } from '../data/types.js';
import { shiftSources } from '../farm/worker-data.js';
import type { NesConfig } from '../run/config.js';
import type { RunFolder } from '../run/run-folder.js';
import type { AnytimePoint, EnsembleResult, MemberMetrics, SearchResults } from '../run/results-types.js';
import type { MacroConfig } from '../space/types.js';
import type { EngineName } from '../util/engine-names.js';
import { NES_VERSION } from '../version.js';
import { trainedEpochs, type MethodPool } from './pool.js';

/** Defined in run/ with the other parts of the run folder. */
export type { SearchResults } from '../run/results-types.js';


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
      compute: {
        epochs: trainedEpochs(pool.members, input.config.training.epochs).reduce((a, b) => a + b, 0),
        trainSeconds: pool.members.reduce((sum, m) => sum + m.seconds, 0),
        predictSeconds: pool.members.reduce((sum, m) => sum + m.predictSeconds, 0),
      },
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
