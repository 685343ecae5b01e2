/**
 * A small but real search run for export and report tests: tiny DARTS networks (2 cells, 4
 * channels) trained for three short epochs on real Fashion-MNIST images shrunk to 8×8, their cached
 * predictions, and results.json built by the search's own evaluation code. Shifted test sets
 * (severity 1…5) add seeded Gaussian pixel noise of growing strength.
 */
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadFashionMnist } from '../../src/data/fashion-mnist.js';
import { channelStatistics } from '../../src/data/images.js';
import { writeNpy } from '../../src/data/npy.js';
import type { DatasetSplits, LabelledImages } from '../../src/data/types.js';
import { evaluateEnsemble } from '../../src/evaluate/ensemble-metrics.js';
import { predictionsFile } from '../../src/run/member-files.js';
import { resolveConfig, type NesConfig } from '../../src/run/config.js';
import { createRun } from '../../src/run/run-folder.js';
import { anytimeCurve, evaluateMembers, selectAndEvaluate, type RunLabels } from '../../src/search/evaluate-pool.js';
import type { MethodPool, PoolMember } from '../../src/search/pool.js';
import { buildResults, type SearchResults } from '../../src/search/results.js';
import { genotypeId } from '../../src/space/id.js';
import { loadSpace } from '../../src/space/load.js';
import { sampleGenotype } from '../../src/space/sample.js';
import type { MacroConfig } from '../../src/space/types.js';
import { initEngine } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { saveLayersModel } from '../../src/train/model-io.js';
import { predictProbs } from '../../src/train/predict.js';
import { train } from '../../src/train/trainer.js';
import { writeFileAtomic } from '../../src/util/atomic-write.js';
import { createRng } from '../../src/util/rng.js';

export interface FixtureOptions {
  runsDir: string;
  id?: string;
  /** Search method → ensemble selection used for it. */
  methods?: Record<string, NesConfig['selection']['method']>;
  poolSize?: number;
  sizes?: number[];
  /** Severities evaluated besides 0 (each member's shifted test predictions are cached). */
  shiftedSeverities?: number[];
  testCount?: number;
  /** Training epochs per network (default 3; 1 is enough where accuracy does not matter). */
  epochs?: number;
  /** Write labels/test.npy into the run (as a finished search should). */
  storeLabels?: boolean;
  /** The run's seed: architectures, weight init and batch order follow it (default 7). */
  seed?: number;
}

export interface FixtureRun {
  runDir: string;
  id: string;
  results: SearchResults;
  /** The 8×8 test images (uint8 NHWC) every member's test.npy was computed on. */
  test: LabelledImages;
  /** Shifted test images per severity ≥ 1. */
  shiftedTest: Map<number, LabelledImages>;
}

export const FIXTURE_MACRO: MacroConfig = { cells: 2, channels: 4, stemMultiplier: 1 };
const SIDE = 8;

export async function buildFixtureRun(options: FixtureOptions): Promise<FixtureRun> {
  // wasm trains several times faster than the pure-JS cpu backend.
  await initEngine('wasm');
  const methods = options.methods ?? { rs: 'forward', re: 'caruana' };
  const poolSize = options.poolSize ?? 4;
  const sizes = options.sizes ?? [2, 3];
  const severities = options.shiftedSeverities ?? [];
  const dataset = shrunkDataset(options.testCount ?? 120);
  const config = resolveConfig({
    seed: options.seed ?? 7,
    methods: Object.keys(methods).filter((m): m is NesConfig['methods'][number] => ['rs', 're', 'deepens'].includes(m)),
    budget: poolSize,
    ensembleSizes: sizes,
    // The fixture trains its pools itself; a population below the budget keeps "re" valid.
    re: { population: 1, parents: 1 },
    macro: FIXTURE_MACRO,
    training: { epochs: options.epochs ?? 3, batchSize: 25, learningRate: 0.1 },
    evaluation: { eceBins: 10, anytimeStep: 2 },
  });
  const run = createRun(options.runsDir, config, options.id ?? 'fixture-run');
  const space = loadSpace('darts');
  const labels: RunLabels = { validation: dataset.validation.labels, test: dataset.test.labels, numClasses: dataset.numClasses };
  const shiftedTest = new Map(severities.map((s) => [s, withNoise(dataset.test, s)]));

  const pools: { pool: MethodPool; selection: NesConfig['selection']['method'] }[] = [];
  // Another run seed gives other weight seeds and architectures; the default keeps the original fixture.
  let trialSeed = options.seed === undefined ? 0 : 1000 * (options.seed + 1);
  for (const [method, selection] of Object.entries(methods)) {
    const rng = createRng(options.seed === undefined ? `fixture:${method}` : `fixture:${options.seed}:${method}`);
    const members: PoolMember[] = [];
    for (let trialId = 0; trialId < poolSize; trialId++) {
      const genotype = sampleGenotype(space, rng);
      const seed = ++trialSeed;
      const model = buildModel(genotype, FIXTURE_MACRO, { inputShape: [SIDE, SIDE, 1], numClasses: 10, seed });
      const { lossCurve, seconds } = await train(model, { train: dataset.train }, {
        ...config.training,
        seed,
        normalization: dataset.normalization,
      });
      const memberDir = run.memberDir(method, trialId);
      mkdirSync(memberDir, { recursive: true });
      const validationProbs = await predictProbs(model, dataset.validation, dataset.normalization);
      const testProbs = await predictProbs(model, dataset.test, dataset.normalization);
      writeProbs(join(memberDir, 'validation.npy'), validationProbs);
      writeProbs(join(memberDir, predictionsFile('test', 0)), testProbs);
      const testBySeverity: Record<number, Float32Array> = { 0: testProbs };
      for (const [severity, images] of shiftedTest) {
        const probs = await predictProbs(model, images, dataset.normalization);
        writeProbs(join(memberDir, predictionsFile('test', severity)), probs);
        testBySeverity[severity] = probs;
      }
      await saveLayersModel(model, memberDir);
      model.dispose();
      const validationNll = evaluateEnsemble([validationProbs], labels.validation, 10).nll;
      members.push({
        trialId,
        network: trialId,
        genotype,
        genotypeId: genotypeId(genotype),
        seed,
        validationProbs: { 0: validationProbs },
        testProbs: testBySeverity,
        validationNll,
        seconds,
        predictSeconds: 0,
        lossCurve,
      });
    }
    pools.push({ pool: { method, members, failed: [] }, selection });
  }

  const results = buildResults({
    run,
    config,
    dataset,
    engine: 'wasm',
    workers: 1,
    seconds: 1,
    macro: FIXTURE_MACRO,
    methods: pools.map(({ pool, selection }) => {
      const methodConfig = { ...config, selection: { method: selection, beam: 1 } };
      const clean = sizes.map((size) => selectAndEvaluate(pool, pool.members, size, labels, methodConfig));
      // Selected on clean validation data (the fixture predicts no shifted validation), tested under shift.
      const underShift = severities.flatMap((severity) =>
        sizes.map((size) => selectAndEvaluate(pool, pool.members, size, labels, methodConfig, { selectOn: 0, evaluateOn: severity })),
      );
      return {
        pool,
        members: evaluateMembers(pool, labels, 10),
        ensembles: [...clean, ...underShift],
        // Every shifted ensemble here is selected on clean data, so it is its own clean selection.
        cleanSelection: underShift,
        anytime: anytimeCurve(pool, sizes, labels, methodConfig),
      };
    }),
  });
  writeFileAtomic(run.resultsPath, JSON.stringify(results, null, 2) + '\n');
  if (options.storeLabels ?? true) {
    mkdirSync(dirname(run.labelsPath('test')), { recursive: true });
    writeNpy(run.labelsPath('test'), { dtype: 'uint8', shape: [dataset.test.count], data: dataset.test.labels });
  }
  return { runDir: run.dir, id: run.id, results, test: dataset.test, shiftedTest };
}

function writeProbs(path: string, probs: Float32Array): void {
  writeNpy(path, { dtype: 'float32', shape: [probs.length / 10, 10], data: probs });
}

/** The embedded Fashion-MNIST subset, 28×28 shrunk to 8×8 (3×3 means of the centre 24×24). */
function shrunkDataset(testCount: number): DatasetSplits {
  const full = loadFashionMnist();
  const train = shrink(full.train, 200);
  return {
    ...full,
    name: 'fashion-mnist-subset-8x8',
    train,
    validation: shrink(full.validation, 200),
    test: shrink(full.test, testCount),
    normalization: channelStatistics(train),
  };
}

function shrink(set: LabelledImages, count: number): LabelledImages {
  // Every 1000/count-th image keeps all classes in the sample (the subset is ordered by source index).
  const step = Math.max(1, Math.floor(set.count / count));
  const images = new Uint8Array(count * SIDE * SIDE);
  const labels = new Uint8Array(count);
  for (let n = 0; n < count; n++) {
    const source = n * step;
    labels[n] = set.labels[source]!;
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        let sum = 0;
        for (let dy = 0; dy < 3; dy++) {
          for (let dx = 0; dx < 3; dx++) sum += set.images[source * 784 + (2 + y * 3 + dy) * 28 + (2 + x * 3 + dx)]!;
        }
        images[n * SIDE * SIDE + y * SIDE + x] = Math.round(sum / 9);
      }
    }
  }
  return { images, labels, count, height: SIDE, width: SIDE, channels: 1 };
}

/** Seeded Gaussian pixel noise, standard deviation 20·severity on the 0..255 scale. */
function withNoise(set: LabelledImages, severity: number): LabelledImages {
  const rng = createRng(`fixture-noise:${severity}`);
  const images = new Uint8Array(set.images.length);
  for (let i = 0; i < images.length; i++) {
    // Box–Muller from two uniforms.
    const gaussian = Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    images[i] = Math.min(255, Math.max(0, Math.round(set.images[i]! + 20 * severity * gaussian)));
  }
  return { ...set, images };
}
