/**
 * Training on wasm does not leak: after each epoch of SGD steps on a small net that exercises
 * every replaced kernel, the tensor count and the wasm backend's data buffer count are unchanged.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/train/engine.js';

function smallNet(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  const stem = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const normed = tf.layers.batchNormalization({}).apply(stem) as tf.SymbolicTensor;
  const separable = tf.layers
    .separableConv2d({ filters: 6, kernelSize: 3, padding: 'same', dilationRate: 2, depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }), pointwiseInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
    .apply(tf.layers.reLU().apply(normed)) as tf.SymbolicTensor;
  const pooled = tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(normed) as tf.SymbolicTensor;
  const averaged = tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }).apply(normed) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([separable, pooled, averaged]) as tf.SymbolicTensor;
  const reduced = tf.layers.conv2d({ filters: 8, kernelSize: 1, strides: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(joined) as tf.SymbolicTensor;
  const features = tf.layers.globalAveragePooling2d({}).apply(reduced) as tf.SymbolicTensor;
  const probs = tf.layers.dense({ units: 4, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(features) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: probs });
}

function dataBuffers(): number {
  return (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
}

test('tensor and buffer counts stay flat over training epochs on wasm', async () => {
  await initEngine('wasm');
  const model = smallNet();
  const optimizer = tf.train.momentum(0.01, 0.9);
  const images = tf.randomNormal([24, 12, 12, 3], 0, 1, 'float32', 7);
  const labels = tf.oneHot(tf.tensor1d([...Array(24).keys()].map((i) => i % 4), 'int32'), 4);
  const batchSize = 8;
  const losses: number[] = [];
  const countsAfterEpoch: { tensors: number; buffers: number }[] = [];
  for (let epoch = 0; epoch < 3; epoch++) {
    for (let start = 0; start < 24; start += batchSize) {
      const loss = optimizer.minimize(() => {
        const x = tf.slice(images, [start, 0, 0, 0], [batchSize, 12, 12, 3]);
        const y = tf.slice(labels, [start, 0], [batchSize, 4]);
        const p = model.apply(x, { training: true }) as tf.Tensor;
        return tf.losses.softmaxCrossEntropy(y, tf.log(tf.clipByValue(p, 1e-7, 1))) as tf.Scalar;
      }, true);
      losses.push(loss!.dataSync()[0]!);
      loss!.dispose();
    }
    countsAfterEpoch.push({ tensors: tf.memory().numTensors, buffers: dataBuffers() });
  }
  // Epoch 1 creates the optimizer slots; later epochs must not add anything.
  assert.deepEqual(countsAfterEpoch[2], countsAfterEpoch[1]);
  assert.ok(losses.every(Number.isFinite));
  assert.ok(losses[losses.length - 1]! < losses[0]!, `loss did not drop: ${losses.join(', ')}`);
  model.dispose();
  optimizer.dispose();
  images.dispose();
  labels.dispose();
});
