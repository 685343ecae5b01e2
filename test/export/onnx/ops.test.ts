/**
 * Every op of both search spaces through ONNX Runtime against tfjs (cpu backend, model.predict via
 * predictProbs): DARTS ops in normal cells (stride 1) and reduction cells (stride 2 on the cell
 * inputs), FactorizedReduce after each reduction; NB201 ops in cells, and its stride-2 residual
 * blocks; odd and even image sizes, 3 channels; untrained weights with random BN statistics.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { DartsGenotype, Genotype, MacroConfig, Nb201Genotype } from '../../../src/space/types.js';
import { initEngine } from '../../../src/train/engine.js';
import { buildModel, DARTS_OPS, NB201_OPS } from '../../../src/train/model.js';
import { predictProbs } from '../../../src/train/predict.js';
import { NesInputError } from '../../../src/util/errors.js';
import { uniformDarts } from '../../train/helpers.js';
import { assertWithin, memberOnnx, normalised, randomImages, randomiseBatchNorm, runOnnx } from './helpers.js';

const NORMALIZATION = { mean: [0.5, 0.4, 0.3], std: [0.25, 0.3, 0.2] };
const DARTS_MACRO: MacroConfig = { cells: 3, channels: 4, stemMultiplier: 2 };
const NB201_MACRO: MacroConfig = { cells: 1, channels: 4, stemMultiplier: 1 };
const CLASSES = 5;

before(async () => {
  await initEngine('cpu');
});

async function assertSameProbs(genotype: Genotype, macro: MacroConfig, side: number, seed: number): Promise<void> {
  const shape = { macro, inputShape: [side, side, 3] as [number, number, number], numClasses: CLASSES };
  const model = buildModel(genotype, macro, { inputShape: [...shape.inputShape], numClasses: CLASSES, seed });
  try {
    randomiseBatchNorm(model, seed);
    const images = randomImages(3, side, side, 3, seed);
    const expected = await predictProbs(model, images, NORMALIZATION);
    const onnx = await memberOnnx(model, genotype, shape);
    const outputs = await runOnnx(onnx, new ort.Tensor('float32', normalised(images, NORMALIZATION), [3, side, side, 3]));
    const probs = outputs['probs']!;
    assert.deepEqual(probs.dims, [3, CLASSES]);
    assertWithin(probs.data as Float32Array, expected, 1e-5, 'probabilities');
  } finally {
    model.dispose();
  }
}

describe('ONNX export: every DARTS op at stride 1 (normal cells) and 2 (reduction cells)', () => {
  for (const op of DARTS_OPS) {
    for (const side of [7, 8]) {
      test(`${op}, ${side}×${side} images`, async () => {
        await assertSameProbs(uniformDarts(op), DARTS_MACRO, side, side * 100 + DARTS_OPS.indexOf(op));
      });
    }
  }
  test('a cell mixing ops, shared pools and repeated inputs', async () => {
    const mixed: DartsGenotype = {
      space: 'darts',
      normal: [
        [{ op: 'avg_pool_3x3', input: 0 }, { op: 'avg_pool_3x3', input: 1 }],
        [{ op: 'skip_connect', input: 1 }, { op: 'skip_connect', input: 1 }],
        [{ op: 'max_pool_3x3', input: 0 }, { op: 'dil_conv_5x5', input: 3 }],
        [{ op: 'avg_pool_3x3', input: 0 }, { op: 'sep_conv_3x3', input: 4 }],
      ],
      reduce: [
        [{ op: 'max_pool_3x3', input: 0 }, { op: 'max_pool_3x3', input: 1 }],
        [{ op: 'skip_connect', input: 2 }, { op: 'max_pool_3x3', input: 1 }],
        [{ op: 'skip_connect', input: 0 }, { op: 'avg_pool_3x3', input: 1 }],
        [{ op: 'dil_conv_3x3', input: 0 }, { op: 'sep_conv_5x5', input: 3 }],
      ],
    };
    await assertSameProbs(mixed, { cells: 5, channels: 4, stemMultiplier: 1 }, 9, 31);
  });
});

describe('ONNX export: every NB201 op (cells at stride 1, residual blocks at stride 2)', () => {
  for (const op of NB201_OPS) {
    for (const side of [7, 8]) {
      test(`${op} on every edge, ${side}×${side} images`, async () => {
        const genotype: Nb201Genotype = { space: 'nb201', edges: new Array<string>(6).fill(op) };
        await assertSameProbs(genotype, NB201_MACRO, side, side * 100 + 50 + NB201_OPS.indexOf(op));
      });
    }
  }
  test('none edges that cut nodes off, two cells per stage', async () => {
    const genotype: Nb201Genotype = { space: 'nb201', edges: ['none', 'nor_conv_1x1', 'nor_conv_3x3', 'skip_connect', 'none', 'avg_pool_3x3'] };
    await assertSameProbs(genotype, { cells: 2, channels: 4, stemMultiplier: 1 }, 9, 77);
  });
});

describe('ONNX export of a model that is not its genotype', () => {
  test('is refused, naming the weight that does not fit', async () => {
    const shape = { macro: DARTS_MACRO, inputShape: [8, 8, 3] as [number, number, number], numClasses: CLASSES };
    const model = buildModel(uniformDarts('sep_conv_3x3'), DARTS_MACRO, { inputShape: [8, 8, 3], numClasses: CLASSES, seed: 5 });
    try {
      await assert.rejects(memberOnnx(model, uniformDarts('dil_conv_3x3'), shape), (error: Error) => error instanceof NesInputError && /has no weight cell0_n0_e0_dil_conv_3x3_dil\/depthwise_kernel/.test(error.message));
      await assert.rejects(memberOnnx(model, uniformDarts('sep_conv_3x3'), { ...shape, numClasses: 4 }), /has logits\/kernel of shape \[64, 5\], the genotype needs \[64, 4\]/);
      // One cell more than the macro settings say (cell 3 is a normal cell, the head's input size is the same).
      const deeper = buildModel(uniformDarts('sep_conv_3x3'), { ...DARTS_MACRO, cells: 4 }, { inputShape: [8, 8, 3], numClasses: CLASSES, seed: 5 });
      await assert.rejects(memberOnnx(deeper, uniformDarts('sep_conv_3x3'), shape), /has weights its genotype does not use: cell3_/).finally(() => deeper.dispose());
    } finally {
      model.dispose();
    }
  });
});
