/**
 * Trained members (one epoch of nes's trainer, so every weight and BN statistic is learnt) in
 * ONNX Runtime against the tfjs model: tfjs's own model.predict and nes's predictProbs (the wasm
 * engine's compiled network), on the same normalised images, within 1e-5.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { decodeModel } from '../../../src/export/onnx/proto.js';
import type { Genotype, MacroConfig } from '../../../src/space/types.js';
import { initEngine } from '../../../src/train/engine.js';
import { buildModel } from '../../../src/train/model.js';
import { normalizedBatch } from '../../../src/train/normalize.js';
import { predictProbs } from '../../../src/train/predict.js';
import { train } from '../../../src/train/trainer.js';
import { DARTS_V2, GREY, toyImages } from '../../train/helpers.js';
import { assertWithin, memberOnnx, normalised, runOnnx } from './helpers.js';

const SIDE = 8;

before(async () => {
  await initEngine('wasm');
});

async function assertTrainedRoundTrip(genotype: Genotype, macro: MacroConfig, seed: number): Promise<void> {
  const data = toyImages(48, SIDE, seed);
  const model = buildModel(genotype, macro, { inputShape: [SIDE, SIDE, 1], numClasses: 2, seed });
  try {
    await train(model, { train: data }, { epochs: 1, batchSize: 16, learningRate: 0.05, momentum: 0.9, weightDecay: 3e-4, seed, normalization: GREY });
    const movingMeans = model.layers.filter((l) => l.getClassName() === 'BatchNormalization').map((l) => l.getWeights()[2]!.dataSync());
    assert.ok(movingMeans.some((m) => m.some((v) => Math.abs(v) > 1e-3)), 'training moved the BN statistics');

    const test = toyImages(10, SIDE, seed + 1);
    const onnx = await memberOnnx(model, genotype, { macro, inputShape: [SIDE, SIDE, 1], numClasses: 2 });
    const decoded = decodeModel(onnx);
    assert.deepEqual(decoded.opset_import, [{ domain: '', version: 17 }]);
    const outputs = await runOnnx(onnx, new ort.Tensor('float32', normalised(test, GREY), [10, SIDE, SIDE, 1]));
    const onnxProbs = outputs['probs']!.data as Float32Array;

    const batch = normalizedBatch(test, { start: 0, end: 10 }, GREY);
    const predicted = model.predict(batch) as tf.Tensor;
    const tfjsProbs = predicted.dataSync() as Float32Array;
    tf.dispose([batch, predicted]);
    assertWithin(onnxProbs, tfjsProbs, 1e-5, 'ONNX Runtime vs tfjs model.predict');
    assertWithin(onnxProbs, await predictProbs(model, test, GREY), 1e-5, 'ONNX Runtime vs predictProbs');
  } finally {
    model.dispose();
  }
}

describe('ONNX export of trained members', () => {
  test('a trained tiny DARTS-V2 network', async () => {
    await assertTrainedRoundTrip(DARTS_V2, { cells: 3, channels: 4, stemMultiplier: 2 }, 11);
  });

  test('a trained tiny NB201 network', async () => {
    const genotype: Genotype = { space: 'nb201', edges: ['nor_conv_3x3', 'skip_connect', 'nor_conv_1x1', 'avg_pool_3x3', 'none', 'nor_conv_3x3'] };
    await assertTrainedRoundTrip(genotype, { cells: 1, channels: 4, stemMultiplier: 1 }, 12);
  });
});
