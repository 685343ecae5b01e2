import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { normalizedBatch } from '../../src/train/normalize.js';
import { predictProbs } from '../../src/train/predict.js';
import { cosineLearningRate, NonFiniteLossError, train, type TrainConfig } from '../../src/train/trainer.js';
import { DARTS_V2, GREY, toyImages, uniformDarts, useCpu } from './helpers.js';

before(useCpu);

const SMALL_MACRO = { cells: 2, channels: 4, stemMultiplier: 2 };

function tinyModel(seed = 1, size = 8): tf.LayersModel {
  return buildModel(DARTS_V2, SMALL_MACRO, { inputShape: [size, size, 1], numClasses: 2, seed });
}

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    epochs: 1,
    batchSize: 8,
    learningRate: 0.05,
    momentum: 0.9,
    weightDecay: 3e-4,
    seed: 7,
    normalization: GREY,
    ...overrides,
  };
}

/** Trainable weight values by name, copied out. */
function trainableValues(model: tf.LayersModel): Map<string, Float32Array> {
  return new Map(model.trainableWeights.map((weight) => [weight.originalName, weight.read().dataSync() as Float32Array]));
}

describe('cosine schedule', () => {
  it('anneals from the base rate to 0 like CosineAnnealingLR per epoch', () => {
    assert.equal(cosineLearningRate(0.1, 0, 4), 0.1);
    assert.ok(Math.abs(cosineLearningRate(0.1, 2, 4) - 0.05) < 1e-12);
    assert.ok(Math.abs(cosineLearningRate(0.1, 1, 4) - (0.1 * (1 + Math.SQRT1_2)) / 2) < 1e-12);
    assert.ok(Math.abs(cosineLearningRate(0.1, 4, 4)) < 1e-12);
  });

  it('is what each training epoch uses', async () => {
    const model = tinyModel();
    const rates: number[] = [];
    await train(model, { train: toyImages(8, 8, 1) }, config({ epochs: 3 }), { onEpoch: (info) => void rates.push(info.learningRate) });
    assert.deepEqual(rates, [0, 1, 2].map((epoch) => cosineLearningRate(0.05, epoch, 3)));
    model.dispose();
  });
});

describe('train', () => {
  it('lowers the loss on a separable toy problem and learns it', async () => {
    const data = toyImages(32, 8, 2);
    const model = tinyModel(3);
    const batchLosses: number[] = [];
    const { lossCurve, seconds, stopped } = await train(model, { train: data }, config({ epochs: 6, gradientClip: 5 }), {
      onBatch: (info) => void batchLosses.push(info.loss),
    });
    assert.equal(lossCurve.length, 6);
    assert.equal(batchLosses.length, 6 * 4);
    assert.equal(stopped, false);
    assert.ok(seconds > 0);
    assert.ok((lossCurve.at(-1) as number) < (lossCurve[0] as number) * 0.7, `loss curve ${lossCurve}`);
    const probs = await predictProbs(model, data, GREY);
    let correct = 0;
    for (let n = 0; n < data.count; n++) {
      const predicted = (probs[2 * n + 1] as number) > (probs[2 * n] as number) ? 1 : 0;
      if (predicted === data.labels[n]) correct++;
    }
    assert.ok(correct >= 28, `${correct}/32 correct`);
    model.dispose();
  });

  it('is reproducible: same seeds, same loss curve', async () => {
    const curves: number[][] = [];
    for (let run = 0; run < 2; run++) {
      const model = tinyModel(5);
      curves.push((await train(model, { train: toyImages(16, 8, 3) }, config({ epochs: 2 }))).lossCurve);
      model.dispose();
    }
    assert.deepEqual(curves[0], curves[1]);
  });

  it('adds weight decay wd·w to every trainable gradient, BN gamma/beta included', async () => {
    const data = toyImages(8, 8, 4);
    const oneStep = config({ batchSize: 8, learningRate: 0.1 }); // one full-batch SGD step
    const initial = trainableValues(tinyModel(6));
    const plain = tinyModel(6);
    const decayed = tinyModel(6);
    await train(plain, { train: data }, { ...oneStep, weightDecay: 0 });
    await train(decayed, { train: data }, { ...oneStep, weightDecay: 0.5 });
    const [plainAfter, decayedAfter] = [trainableValues(plain), trainableValues(decayed)];
    let checked = 0;
    for (const [name, start] of initial) {
      const withoutDecay = plainAfter.get(name) as Float32Array;
      const withDecay = decayedAfter.get(name) as Float32Array;
      // First momentum step: w1 = w0 − lr·(g + wd·w0), so the runs differ by exactly −lr·wd·w0.
      for (let i = 0; i < start.length; i++) {
        const expected = -0.1 * 0.5 * (start[i] as number);
        assert.ok(Math.abs((withDecay[i] as number) - (withoutDecay[i] as number) - expected) < 1e-5, `${name}[${i}]`);
      }
      checked++;
    }
    assert.ok([...initial.keys()].some((name) => name.endsWith('gamma')));
    assert.equal(checked, plain.trainableWeights.length);
    [plain, decayed].forEach((model) => model.dispose());
  });

  it('clips the loss gradient to the given global norm', async () => {
    const model = tinyModel(8);
    const start = trainableValues(model);
    await train(model, { train: toyImages(8, 8, 5) }, config({ batchSize: 8, learningRate: 0.1, weightDecay: 0, gradientClip: 1e-3 }));
    let squared = 0;
    for (const [name, after] of trainableValues(model)) {
      const before = start.get(name) as Float32Array;
      for (let i = 0; i < after.length; i++) squared += ((after[i] as number) - (before[i] as number)) ** 2;
    }
    // One step moves the weights by lr · clipped gradient.
    assert.ok(Math.abs(Math.sqrt(squared) - 0.1 * 1e-3) < 1e-6, `step norm ${Math.sqrt(squared)}`);
    model.dispose();
  });

  it('throws NonFiniteLossError as soon as the loss diverges', async () => {
    const model = tinyModel(9);
    const before = model.getWeights().map((w) => w.dataSync().slice());
    let batches = 0;
    await assert.rejects(
      train(model, { train: toyImages(32, 8, 6) }, config({ learningRate: 1e30, weightDecay: 0, epochs: 3 }), {
        onBatch: () => void batches++,
      }),
      (error: unknown) => error instanceof NonFiniteLossError && /epoch 1, batch \d+/.test(error.message),
    );
    assert.ok(batches < 4, `${batches} batches ran before the error`);
    assert.ok(before.length > 0);
    model.dispose();
  });

  it('stops early when asked', async () => {
    const model = tinyModel(10);
    let batches = 0;
    const result = await train(model, { train: toyImages(32, 8, 7) }, config({ epochs: 3 }), {
      onBatch: () => void batches++,
      shouldStop: () => batches >= 6,
    });
    assert.equal(result.stopped, true);
    assert.equal(batches, 6);
    assert.equal(result.lossCurve.length, 1);
    model.dispose();
  });

  it('leaks no tensors across batches, epochs and the whole run', async () => {
    const model = tinyModel(11);
    const data = toyImages(24, 8, 8);
    const countBefore = tf.memory().numTensors;
    const counts: number[] = [];
    await train(model, { train: data }, config({ epochs: 3, gradientClip: 5 }), {
      onBatch: () => void counts.push(tf.memory().numTensors),
      onEpoch: () => void counts.push(tf.memory().numTensors),
    });
    assert.equal(counts.length, 3 * (3 + 1));
    // Momentum slots appear with the first step, then the count stays flat.
    assert.ok(counts.every((count) => count === counts[0]), `tensor counts ${counts}`);
    assert.equal(tf.memory().numTensors, countBefore);
    await predictProbs(model, data, GREY, 5);
    assert.equal(tf.memory().numTensors, countBefore);
    model.dispose();
  });
});

describe('predictProbs', () => {
  it('returns the model softmax row-major, the same for any batch size', async () => {
    const model = tinyModel(12, 7);
    const data = toyImages(11, 7, 9);
    const whole = await predictProbs(model, data, GREY);
    const batched = await predictProbs(model, data, GREY, 4);
    assert.equal(whole.length, 11 * 2);
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs((whole[i] as number) - (batched[i] as number)) < 1e-6);
    const direct = tf.tidy(() => (model.predict(normalizedBatch(data, { start: 0, end: 11 }, GREY)) as tf.Tensor).dataSync());
    for (let i = 0; i < whole.length; i++) assert.ok(Math.abs((whole[i] as number) - (direct[i] as number)) < 1e-6);
    model.dispose();
  });

  it('normalises each channel as (x/255 − mean)/std', () => {
    const images = new Uint8Array([0, 255, 51, 102]);
    const source = { images, count: 2, height: 1, width: 1, channels: 2 };
    const values = tf.tidy(() => normalizedBatch(source, [1, 0], { mean: [0.2, 0.5], std: [0.5, 0.25] }).dataSync());
    const expected = [(0.2 - 0.2) / 0.5, (0.4 - 0.5) / 0.25, (0 - 0.2) / 0.5, (1 - 0.5) / 0.25];
    expected.forEach((value, i) => assert.ok(Math.abs((values[i] as number) - value) < 1e-6, `${i}: ${values[i]}`));
  });
});

describe('wasm engine', () => {
  // avg_pool_3x3 is left out: tfjs divides its gradient at image borders by the full window, the
  // wasm engine by the pixels the window covers (the exact gradient; test/train/compiled checks it).
  it('trains every DARTS op but avg_pool to the same losses as the cpu backend', async () => {
    const genotype = uniformDarts('dil_conv_3x3', 'dil_conv_5x5');
    genotype.normal[1] = [{ op: 'sep_conv_5x5', input: 0 }, { op: 'max_pool_3x3', input: 1 }];
    genotype.reduce[1] = [{ op: 'sep_conv_3x3', input: 0 }, { op: 'max_pool_3x3', input: 1 }];
    genotype.reduce[2] = [{ op: 'skip_connect', input: 0 }, { op: 'sep_conv_5x5', input: 1 }];
    const run = async (): Promise<number[]> => {
      const model = buildModel(genotype, { cells: 3, channels: 4, stemMultiplier: 2 }, { inputShape: [9, 9, 1], numClasses: 2, seed: 13 });
      const { lossCurve } = await train(model, { train: toyImages(16, 9, 10) }, config({ epochs: 2, gradientClip: 5 }));
      model.dispose();
      return lossCurve;
    };
    const onCpu = await run();
    try {
      await initEngine('wasm');
      const onWasm = await run();
      onCpu.forEach((loss, epoch) => assert.ok(Math.abs(loss - (onWasm[epoch] as number)) < 1e-3 * loss, `${onCpu} vs ${onWasm}`));
    } finally {
      await useCpu();
    }
  });
});

// Not an assertion: NES_MEASURE=1 prints the epoch time of the Fashion-MNIST network on the engine in NES_ENGINE.
describe('epoch time (measurement)', { skip: !process.env['NES_MEASURE'] }, () => {
  it('one epoch of a 5-cell 8-channel DARTS-V2 net on 256 28x28 images, batch 100', async () => {
    const { engine } = await initEngine(process.env['NES_ENGINE'] as 'cpu' | 'wasm' | undefined);
    try {
      const model = buildModel(DARTS_V2, { cells: 5, channels: 8, stemMultiplier: 3 }, { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
      await train(model, { train: toyImages(256, 28, 11) }, config({ epochs: 1, batchSize: 100, learningRate: 0.025, gradientClip: 5 }), {
        onEpoch: ({ seconds }) => console.log(`# ${engine}: ${seconds.toFixed(1)} s per epoch of 256 images`),
      });
      model.dispose();
    } finally {
      await useCpu();
    }
  });
});
