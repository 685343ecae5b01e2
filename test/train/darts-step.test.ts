/**
 * One full SGD step of a whole (small) DARTS network, through buildModel, gives the same weight
 * updates on wasm as on cpu: every layer type and gradient of the space in one graph.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineName } from '../../src/train/engine.js';
import { buildModel } from '../../src/train/model.js';
import { loadNamedGenotype } from '../../src/space/named.js';
import type { DartsGenotype, Genotype } from '../../src/space/types.js';

/** Every DARTS op at least once, on both cell inputs and intermediate nodes. */
const allOps: DartsGenotype = {
  space: 'darts',
  normal: [
    [{ op: 'sep_conv_5x5', input: 0 }, { op: 'dil_conv_3x3', input: 1 }],
    [{ op: 'avg_pool_3x3', input: 0 }, { op: 'dil_conv_5x5', input: 2 }],
    [{ op: 'max_pool_3x3', input: 1 }, { op: 'skip_connect', input: 3 }],
    [{ op: 'sep_conv_3x3', input: 4 }, { op: 'skip_connect', input: 0 }],
  ],
  reduce: [
    [{ op: 'dil_conv_5x5', input: 0 }, { op: 'avg_pool_3x3', input: 1 }],
    [{ op: 'sep_conv_3x3', input: 1 }, { op: 'skip_connect', input: 2 }],
    [{ op: 'max_pool_3x3', input: 0 }, { op: 'dil_conv_3x3', input: 1 }],
    [{ op: 'skip_connect', input: 0 }, { op: 'sep_conv_5x5', input: 3 }],
  ],
};

const batch = 4;
const inputShape: [number, number, number] = [10, 10, 1];

/** Weight updates (after − before) of one momentum-SGD step, in trainableWeights order. */
async function oneStepUpdates(engine: EngineName, genotype: Genotype): Promise<Float32Array[]> {
  await initEngine(engine);
  const model = buildModel(genotype, { cells: 3, channels: 4, stemMultiplier: 3 }, { inputShape, numClasses: 5, seed: 11 });
  const updates: Float32Array[] = [];
  const optimizer = tf.train.momentum(0.1, 0.9);
  tf.tidy(() => {
    const x = tf.randomNormal([batch, ...inputShape], 0, 1, 'float32', 5);
    const y = tf.oneHot(tf.tensor1d([0, 3, 1, 4], 'int32'), 5);
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const before = variables.map((v) => v.dataSync().slice());
    const { grads } = tf.variableGrads(() => {
      const p = model.apply(x, { training: true }) as tf.Tensor;
      return tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, 1e-7, 1))) as tf.Scalar;
    }, variables);
    optimizer.applyGradients(Object.entries(grads).map(([name, tensor]) => ({ name, tensor })));
    variables.forEach((v, i) => {
      const after = v.dataSync();
      updates.push(after.map((value, j) => value - before[i]![j]!) as Float32Array);
    });
  });
  optimizer.dispose();
  model.dispose();
  return updates;
}

async function assertSameStep(genotype: Genotype): Promise<void> {
  const cpu = await oneStepUpdates('cpu', genotype);
  const wasm = await oneStepUpdates('wasm', genotype);
  assert.equal(wasm.length, cpu.length);
  let compared = 0;
  for (const [index, expected] of cpu.entries()) {
    const actual = wasm[index]!;
    assert.equal(actual.length, expected.length);
    const scale = Math.max(...expected.map(Math.abs));
    if (scale === 0) continue; // e.g. the frozen zero conv
    const worst = Math.max(...expected.map((e, j) => Math.abs(e - actual[j]!)));
    assert.ok(worst / scale <= 1e-3, `weight ${index}: relative difference of the update ${worst / scale}`);
    compared++;
  }
  assert.ok(compared > 20, `only ${compared} weights moved`);
}

test('DARTS-V2 network: one SGD step is the same on wasm and cpu', async () => {
  await assertSameStep(loadNamedGenotype('darts-v2'));
});

test('network with every DARTS op: one SGD step is the same on wasm and cpu', async () => {
  await assertSameStep(allOps);
});
