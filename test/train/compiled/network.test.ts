/**
 * The compiled network (the wasm engine's training and inference path) against tfjs on the cpu
 * backend: the same probabilities, and after train() the same weights and BN statistics, for
 * whole DARTS and NB201 networks with strides 1/2 and dilations 1/2. The avg-pool gradient, where
 * tfjs divides border windows by the full window size, is checked by finite differences instead.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CompiledNetwork } from '../../../src/train/compiled/network.js';
import { compiledNetworkFor } from '../../../src/train/compiled/use-compiled.js';
import { initEngine, type EngineName } from '../../../src/train/engine.js';
import { buildModel } from '../../../src/train/model.js';
import { normalizeInto } from '../../../src/train/normalize.js';
import { predictProbs } from '../../../src/train/predict.js';
import { train, type TrainConfig } from '../../../src/train/trainer.js';
import type { Genotype, MacroConfig } from '../../../src/space/types.js';
import { allButAvg, assertClose, DARTS_V2, GREY, toyImages, withAvgPools } from '../helpers.js';

/** Convs and skips (the avg pools of this space pad at borders), 'none' edges included. */
const nb201Convs: Genotype = {
  space: 'nb201',
  edges: ['nor_conv_3x3', 'nor_conv_1x1', 'skip_connect', 'none', 'nor_conv_3x3', 'nor_conv_1x1'],
};

const DARTS_MACRO: MacroConfig = { cells: 3, channels: 4, stemMultiplier: 3 };
const NB201_MACRO: MacroConfig = { cells: 1, channels: 4, stemMultiplier: 1 };

interface Case {
  name: string;
  genotype: Genotype;
  macro: MacroConfig;
  /** Odd sizes exercise the asymmetric 'same' padding of stride-2 ops. */
  size: number;
  /** Training images; with batch 6, 9 ends each epoch with a partial batch. */
  images: number;
}

const cases: Case[] = [
  { name: 'DARTS-V2', genotype: DARTS_V2, macro: DARTS_MACRO, size: 11, images: 9 },
  { name: 'every DARTS op but avg_pool', genotype: allButAvg, macro: DARTS_MACRO, size: 10, images: 9 },
  // 2×2 feature maps at the last stage: a partial batch of 3 makes BN (12 values per channel) so
  // ill-conditioned that tfjs's own wasm and cpu backends drift apart under clipping; full batches here.
  { name: 'NB201 convs', genotype: nb201Convs, macro: NB201_MACRO, size: 8, images: 12 },
];

function build(c: Case, weights?: tf.Tensor[]): tf.LayersModel {
  const model = buildModel(c.genotype, c.macro, { inputShape: [c.size, c.size, 1], numClasses: 3, seed: 5 });
  if (weights) model.setWeights(weights);
  return model;
}

/** Every weight (trainable and BN statistics), by name. */
function weightValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.weights.map((weight) => [weight.originalName, weight.read().dataSync().slice() as Float32Array]));
}


const trainConfig: TrainConfig = {
  epochs: 2,
  batchSize: 6,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 3e-4,
  seed: 3,
  normalization: GREY,
  gradientClip: 5,
};

/** Trains a copy of the case's model on `engine`; returns its weights and its test probabilities. */
async function trainOn(engine: EngineName, c: Case, initial: tf.Tensor[]): Promise<{ weights: Map<string, Float32Array>; probs: Float32Array }> {
  await initEngine(engine);
  const model = build(c, initial);
  await train(model, { train: toyImages(c.images, c.size, 1) }, trainConfig);
  const probs = await predictProbs(model, toyImages(5, c.size, 2), GREY, 4);
  const weights = weightValues(model);
  model.dispose();
  return { weights, probs };
}

describe('compiled network', () => {
  for (const c of cases) {
    it(`${c.name}: predicts the probabilities tfjs predicts`, async () => {
      await initEngine('cpu');
      const model = build(c);
      const images = toyImages(7, c.size, 4);
      const expected = await predictProbs(model, images, GREY, 7);
      await initEngine('wasm');
      const network = compiledNetworkFor(model, { capacity: 7, training: false });
      assert.ok(network, 'the model compiles');
      network.dispose();
      const actual = await predictProbs(model, images, GREY, 3);
      assertClose(actual, expected, 1e-4, 'probability');
      model.dispose();
    });

    it(`${c.name}: train() ends with the weights and BN statistics of tfjs on cpu`, async () => {
      await initEngine('cpu');
      const reference = build(c);
      const initial = reference.getWeights().map((tensor) => tensor.clone());
      reference.dispose();
      const cpu = await trainOn('cpu', c, initial);
      const wasm = await trainOn('wasm', c, initial);
      tf.dispose(initial);
      let moved = 0;
      for (const [name, expected] of cpu.weights) {
        assertClose(wasm.weights.get(name)!, expected, 2e-3, name);
        moved++;
      }
      assert.ok(moved > 20, `${moved} weights compared`);
      assertClose(wasm.probs, cpu.probs, 2e-3, 'probability after training');
    });
  }

  it('a partial batch gets the gradient a network of that batch size computes', async () => {
    await initEngine('wasm');
    const c = cases[0]!;
    const model = build(c);
    const images = toyImages(6, c.size, 6);
    const labels = Int32Array.from(images.labels);
    /** Gradient of the first 3 images after `warmUps` full steps (left-over values in every buffer). */
    const gradientOfThree = (capacity: number, warmUps: number): Float32Array => {
      const network = CompiledNetwork.compile(model, { capacity, training: true });
      try {
        const sgd = { learningRate: 1, momentum: 0, weightDecay: 0 };
        const before = network.trainableValues().slice();
        for (let round = 0; round < warmUps; round++) {
          normalizeInto(images, { start: 0, end: capacity }, GREY, network.inputValues());
          network.trainStep(capacity, labels, sgd);
          network.trainableValues().set(before);
        }
        normalizeInto(images, { start: 0, end: 3 }, GREY, network.inputValues());
        network.trainStep(3, labels, sgd);
        return before.map((value, i) => value - (network.trainableValues()[i] as number));
      } finally {
        network.dispose();
      }
    };
    assert.deepEqual(gradientOfThree(6, 2), gradientOfThree(3, 0));
    model.dispose();
  });

  it('a prediction from a training hook, while the compiled network trains, runs on tfjs', async () => {
    await initEngine('wasm');
    const c = cases[0]!;
    const model = build(c);
    const images = toyImages(6, c.size, 1);
    const during: Float32Array[] = [];
    await train(model, { train: images }, { ...trainConfig, epochs: 1 }, { onEpoch: async () => void during.push(await predictProbs(model, images, GREY)) });
    assert.equal(during.length, 1);
    assert.ok(during[0]!.every((p) => p >= 0 && p <= 1));
    model.dispose();
  });

  it('refuses a model with a layer it does not implement, and train() falls back to tfjs', async () => {
    await initEngine('wasm');
    const model = tf.sequential({
      layers: [
        tf.layers.flatten({ inputShape: [4, 4, 1] }),
        tf.layers.dense({ units: 3 }),
        tf.layers.activation({ activation: 'softmax' }),
      ],
    });
    assert.equal(compiledNetworkFor(model, { capacity: 2, training: true }), null);
    const { lossCurve } = await train(model, { train: toyImages(4, 4, 1) }, { ...trainConfig, epochs: 1 });
    assert.equal(lossCurve.length, 1);
    assert.ok(Number.isFinite(lossCurve[0]));
    model.dispose();
  });

  it('avg pools: the gradient matches finite differences of the loss', async () => {
    await initEngine('wasm');
    const c: Case = { name: 'avg', genotype: withAvgPools, macro: DARTS_MACRO, size: 9, images: 4 };
    const model = build(c);
    const images = toyImages(4, c.size, 6);
    const labels = Int32Array.from(images.labels);
    const network = CompiledNetwork.compile(model, { capacity: 4, training: true });
    try {
      normalizeInto(images, { start: 0, end: 4 }, GREY, network.inputValues());
      // lr 0: the loss at the current weights, nothing moves (BN in training mode ignores its moving statistics).
      const lossAt = () => network.trainStep(4, labels, { learningRate: 0, momentum: 0, weightDecay: 0 });
      const weights = network.trainableValues();
      const before = weights.slice();
      // lr 1, no momentum or decay: the step subtracts the gradient itself.
      network.trainStep(4, labels, { learningRate: 1, momentum: 0, weightDecay: 0 });
      const gradient = before.map((value, i) => value - (network.trainableValues()[i] as number));
      network.trainableValues().set(before);
      const largest = [...gradient.keys()].sort((a, b) => Math.abs(gradient[b]!) - Math.abs(gradient[a]!)).slice(0, 12);
      // Small, so that few ReLU and max-pool kinks fall inside ±ε; float32 losses stay resolvable.
      const epsilon = 1e-4;
      for (const index of largest) {
        const values = network.trainableValues();
        values[index] = before[index]! + epsilon;
        const plus = lossAt();
        values[index] = before[index]! - epsilon;
        const minus = lossAt();
        values[index] = before[index]!;
        const numeric = (plus - minus) / (2 * epsilon);
        const analytic = gradient[index]!;
        assert.ok(Math.abs(numeric - analytic) <= 0.03 * Math.abs(analytic) + 1e-3, `weight ${index}: analytic ${analytic}, numeric ${numeric}`);
      }
    } finally {
      network.dispose();
      model.dispose();
    }
  });

  it('frees its memory: training and predicting many times does not grow the kernel memory', async () => {
    await initEngine('wasm');
    const c = cases[0]!;
    const images = toyImages(6, c.size, 1);
    const sizes: number[] = [];
    for (let round = 0; round < 3; round++) {
      const model = build(c);
      await train(model, { train: images }, { ...trainConfig, epochs: 1 });
      await predictProbs(model, images, GREY, 4);
      const network = CompiledNetwork.compile(model, { capacity: 6, training: true });
      sizes.push(network.memoryBytes);
      network.dispose();
      model.dispose();
    }
    assert.equal(new Set(sizes).size, 1, `memory sizes ${sizes.join(', ')}`);
  });
});
