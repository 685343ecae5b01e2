/**
 * Our dilation-aware conv gradients are registered by initEngine on every engine, not only when
 * wasm loads. This file never loads wasm: the cpu engine alone must make dilated convs trainable.
 * Gradients are checked against plain JS loops, independent of tfjs.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine } from '../../src/train/engine.js';

const [batch, height, width, channels, kernel, dilation] = [2, 7, 6, 3, 3, 2];
const pad = ((kernel - 1) * dilation) / 2; // 'same' at stride 1: symmetric

function seeded(shape: number[], seed: number): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync() as Float32Array);
}

const xValues = seeded([batch, height, width, channels], 1);
const wValues = seeded([kernel, kernel, channels, 1], 2);
const rValues = seeded([batch, height, width, channels], 3);

const at = (b: number, i: number, j: number, c: number) => ((b * height + i) * width + j) * channels + c;

/** d/dx and d/dw of Σ r · depthwiseConv2d(x, w, stride 1, 'same', dilation 2), by direct loops. */
function referenceGradients(): { dx: Float64Array; dw: Float64Array } {
  const dx = new Float64Array(xValues.length);
  const dw = new Float64Array(wValues.length);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < height; i++) {
      for (let j = 0; j < width; j++) {
        for (let c = 0; c < channels; c++) {
          const r = rValues[at(b, i, j, c)]!;
          for (let p = 0; p < kernel; p++) {
            for (let q = 0; q < kernel; q++) {
              const row = i + p * dilation - pad;
              const col = j + q * dilation - pad;
              if (row < 0 || row >= height || col < 0 || col >= width) continue;
              const tap = (p * kernel + q) * channels + c;
              dw[tap]! += r * xValues[at(b, row, col, c)]!;
              dx[at(b, row, col, c)]! += r * wValues[tap]!;
            }
          }
        }
      }
    }
  }
  return { dx, dw };
}

function dilatedGradients(): { dx: Float32Array; dw: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor4d(xValues, [batch, height, width, channels]);
    const w = tf.tensor4d(wValues, [kernel, kernel, channels, 1]);
    const r = tf.tensor4d(rValues, [batch, height, width, channels]);
    const loss = (xs: tf.Tensor, ws: tf.Tensor) =>
      tf.sum(tf.mul(r, tf.depthwiseConv2d(xs as tf.Tensor4D, ws as tf.Tensor4D, 1, 'same', 'NHWC', dilation)));
    const [dx, dw] = tf.grads(loss)([x, w]) as [tf.Tensor, tf.Tensor];
    return { dx: dx.dataSync() as Float32Array, dw: dw.dataSync() as Float32Array };
  });
}

function assertClose(actual: Float32Array, expected: Float64Array, what: string): void {
  assert.equal(actual.length, expected.length);
  const worst = Math.max(...expected.map((e, i) => Math.abs(e - actual[i]!)));
  assert.ok(worst < 1e-4, `${what}: max difference ${worst}`);
}

test('stock tfjs has no gradient for a dilated depthwise conv (what the override fixes)', async () => {
  await tf.setBackend('cpu');
  assert.throws(dilatedGradients, /dilation rates greater than 1/i);
});

test('after initEngine(cpu) a dilated depthwise conv trains with the exact gradient', async () => {
  assert.deepEqual(await initEngine('cpu'), { engine: 'cpu', backend: 'cpu' });
  const { dx, dw } = dilatedGradients();
  const reference = referenceGradients();
  assertClose(dx, reference.dx, 'dx');
  assertClose(dw, reference.dw, 'dw');
});

test('a dilated separable conv layer trains on cpu: SGD lowers its loss', async () => {
  await initEngine('cpu');
  const layer = tf.layers.separableConv2d({
    filters: 2,
    kernelSize: 3,
    dilationRate: 2,
    padding: 'same',
    useBias: false,
    depthwiseInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 1 }),
    pointwiseInitializer: tf.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 2 }),
  });
  const x = tf.tensor4d(xValues, [batch, height, width, channels]);
  const target = tf.randomNormal([batch, height, width, 2], 0, 1, 'float32', 4);
  const optimizer = tf.train.sgd(0.05);
  const loss = () => tf.mean(tf.square(tf.sub(layer.apply(x) as tf.Tensor, target))) as tf.Scalar;
  const first = loss().dataSync()[0]!;
  for (let step = 0; step < 5; step++) optimizer.minimize(loss);
  const last = loss().dataSync()[0]!;
  assert.ok(last < first * 0.98, `loss ${first} -> ${last}`);
  tf.dispose([x, target]);
  optimizer.dispose();
});
