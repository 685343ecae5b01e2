/**
 * The webgpu engine against tfjs's cpu backend, on whatever WebGPU adapter this machine has (CI:
 * Mesa's lavapipe from bookworm-backports, a software Vulkan GPU). Tiny nets and batches: lavapipe
 * runs every dispatch on the CPU.
 *
 * Weights are read with data(): webgpu cannot read synchronously in Node.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { predictProbs } from '../../src/train/predict.js';
import { train, type TrainConfig } from '../../src/train/trainer.js';
import { checkedGpuWork, probeAdapter, WebGpuError } from '../../src/train/webgpu.js';
import type { Genotype, MacroConfig } from '../../src/space/types.js';
import { allButAvg, assertClose, DARTS_V2, GREY, toyImages, withAvgPools } from './helpers.js';

const nb201: Genotype = {
  space: 'nb201',
  edges: ['nor_conv_3x3', 'nor_conv_1x1', 'skip_connect', 'none', 'avg_pool_3x3', 'nor_conv_1x1'],
};

interface Case {
  name: string;
  genotype: Genotype;
  macro: MacroConfig;
  size: number;
}

const cases: Case[] = [
  { name: 'DARTS-V2', genotype: DARTS_V2, macro: { cells: 3, channels: 4, stemMultiplier: 3 }, size: 11 },
  // Between them every DARTS op, in both cells (stride 1 and 2); avg_pool is computed the same way on both backends.
  { name: 'every DARTS op but avg_pool', genotype: allButAvg, macro: { cells: 3, channels: 4, stemMultiplier: 3 }, size: 10 },
  { name: 'both pools next to convs', genotype: withAvgPools, macro: { cells: 3, channels: 4, stemMultiplier: 3 }, size: 10 },
  { name: 'NB201', genotype: nb201, macro: { cells: 1, channels: 4, stemMultiplier: 1 }, size: 8 },
];

/** One step of batch 6: the loss and every weight after it can be compared exactly enough. */
const oneStep: TrainConfig = {
  epochs: 1,
  batchSize: 6,
  learningRate: 0.1,
  momentum: 0.9,
  weightDecay: 3e-4,
  seed: 3,
  normalization: GREY,
  gradientClip: 5,
};

async function weightValues(model: tf.LayersModel): Promise<Map<string, Float32Array>> {
  const values = new Map<string, Float32Array>();
  for (const weight of model.weights) values.set(weight.originalName, (await weight.read().data()) as Float32Array);
  return values;
}


/** Builds the case's model with `initial` weights on `engine`, trains one step, predicts. */
async function stepOn(engine: 'cpu' | 'webgpu', c: Case, initial: Float32Array[]) {
  await initEngine(engine);
  const model = buildModel(c.genotype, c.macro, { inputShape: [c.size, c.size, 1], numClasses: 3, seed: 5 });
  model.setWeights(initial.map((values, i) => tf.tensor(values, model.weights[i]!.shape as number[])));
  const { lossCurve } = await train(model, { train: toyImages(6, c.size, 1) }, oneStep);
  const weights = await weightValues(model);
  const probs = await predictProbs(model, toyImages(5, c.size, 2), GREY, 4);
  model.dispose();
  return { loss: lossCurve[0]!, weights, probs };
}

describe('webgpu engine', () => {
  before(async () => {
    const adapter = await probeAdapter();
    assert.ok(adapter, 'a WebGPU adapter (CI installs Mesa 25 lavapipe from bookworm-backports and libvulkan1)');
  });

  for (const c of cases) {
    it(`${c.name}: one training step gives the loss, weights and probabilities of cpu`, async () => {
      await initEngine('cpu');
      const reference = buildModel(c.genotype, c.macro, { inputShape: [c.size, c.size, 1], numClasses: 3, seed: 5 });
      const initial = reference.getWeights().map((tensor) => tensor.dataSync().slice() as Float32Array);
      reference.dispose();
      const cpu = await stepOn('cpu', c, initial);
      const gpu = await stepOn('webgpu', c, initial);
      assert.ok(Math.abs(gpu.loss - cpu.loss) <= 1e-4 * Math.abs(cpu.loss), `loss ${gpu.loss} vs ${cpu.loss}`);
      let compared = 0;
      for (const [name, expected] of cpu.weights) {
        assertClose(gpu.weights.get(name)!, expected, 1e-4, name);
        compared++;
      }
      assert.ok(compared > 20, `${compared} weights compared`);
      assertClose(gpu.probs, cpu.probs, 1e-4, 'probability after the step');
    });
  }

  it('a WebGPU validation error fails the work loudly instead of returning zeros', async () => {
    await initEngine('webgpu');
    // webgpu's pad shader does not support rank 6: Dawn rejects the shader and, unchecked, the
    // pad would silently read back as zeros (what once broke dilated-conv gradients).
    const rank6 = tf.ones([1, 2, 1, 2, 1, 2]);
    await assert.rejects(
      checkedGpuWork('a rank-6 pad', async () => {
        const padded = tf.pad(rank6, [[0, 0], [0, 1], [0, 0], [0, 1], [0, 0], [0, 0]]);
        try {
          return await padded.data();
        } finally {
          padded.dispose();
        }
      }),
      (error: unknown) => error instanceof WebGpuError && /WebGPU error in a rank-6 pad: /.test(error.message),
    );
    rank6.dispose();
    // The device still works afterwards.
    const sum = tf.sum(tf.ones([4]));
    assert.equal((await checkedGpuWork('a sum', () => sum.data()))[0], 4);
    sum.dispose();
  });
});
