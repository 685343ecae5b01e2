/**
 * Every gradient a training step needs on wasm equals the cpu backend's on random tensors.
 * The loss Σ conv(x, w)·r (r random) makes dy non-uniform, so every tap is checked.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../../src/train/kernels/index.js';

type Pad = 'same' | 'valid' | [[0, 0], [number, number], [number, number], [0, 0]];

/** Inputs as plain arrays, so each backend builds its own tensors from the same numbers. */
interface Case {
  inputs: { shape: number[]; values: Float32Array }[];
  /** Forward op whose output gets multiplied by the random weights and summed. */
  forward: (...inputs: tf.Tensor[]) => tf.Tensor;
}

let seed = 1;
function randomInput(shape: number[]): { shape: number[]; values: Float32Array } {
  return tf.tidy(() => ({ shape, values: tf.randomNormal(shape, 0, 1, 'float32', seed++).dataSync() as Float32Array }));
}

async function gradientsOn(backend: string, testCase: Case): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  return tf.tidy(() => {
    const inputs = testCase.inputs.map((i) => tf.tensor(i.values, i.shape));
    const outputShape = testCase.forward(...inputs).shape;
    const weights = tf.randomNormal(outputShape, 0, 1, 'float32', 12345);
    const loss = (...xs: tf.Tensor[]) => tf.sum(tf.mul(testCase.forward(...xs), weights));
    return tf.grads(loss)(inputs).map((g) => g.dataSync() as Float32Array);
  });
}

function relativeError(actual: Float32Array, expected: Float32Array): number {
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs(actual[i]! - expected[i]!));
    maxRef = Math.max(maxRef, Math.abs(expected[i]!));
  }
  return maxDiff / Math.max(maxRef, 1e-12);
}

async function assertWasmMatchesCpu(testCase: Case): Promise<void> {
  const expected = await gradientsOn('cpu', testCase);
  const actual = await gradientsOn('wasm', testCase);
  assert.equal(actual.length, expected.length);
  expected.forEach((grad, i) => {
    assert.equal(actual[i]!.length, grad.length);
    const error = relativeError(actual[i]!, grad);
    assert.ok(error <= 1e-4, `input ${i}: relative error ${error}`);
  });
}

before(async () => {
  registerWasmGradients();
  await tf.setBackend('wasm');
});

describe('conv2d gradients on wasm match cpu', () => {
  const configs: { k: number; stride: number; dilation: number; pad: Pad; cin: number; cout: number; hw: [number, number] }[] = [];
  for (const k of [1, 3, 5]) {
    for (const [stride, dilation] of [[1, 1], [2, 1], [1, 2]] as const) {
      for (const pad of ['same', 'valid'] as const) {
        configs.push({ k, stride, dilation, pad, cin: 3, cout: 4, hw: [11, 11] });
      }
    }
  }
  configs.push({ k: 3, stride: 1, dilation: 1, pad: 'same', cin: 1, cout: 5, hw: [8, 8] });
  configs.push({ k: 3, stride: 2, dilation: 1, pad: 'same', cin: 8, cout: 3, hw: [8, 10] });
  configs.push({ k: 1, stride: 1, dilation: 1, pad: 'valid', cin: 8, cout: 2, hw: [7, 7] });
  configs.push({ k: 1, stride: 2, dilation: 1, pad: 'same', cin: 6, cout: 6, hw: [8, 8] });
  configs.push({ k: 3, stride: 1, dilation: 1, pad: [[0, 0], [1, 2], [0, 1], [0, 0]], cin: 3, cout: 3, hw: [9, 9] });
  configs.push({ k: 3, stride: 2, dilation: 1, pad: [[0, 0], [2, 0], [1, 1], [0, 0]], cin: 2, cout: 4, hw: [9, 8] });
  configs.push({ k: 5, stride: 1, dilation: 2, pad: 'same', cin: 4, cout: 4, hw: [12, 12] });
  // More than 8 input channels: the filter gradient takes the transpose trick instead of im2col.
  configs.push({ k: 3, stride: 1, dilation: 1, pad: 'same', cin: 12, cout: 5, hw: [7, 7] });
  configs.push({ k: 3, stride: 2, dilation: 1, pad: 'valid', cin: 9, cout: 4, hw: [9, 8] });
  configs.push({ k: 3, stride: 1, dilation: 2, pad: 'same', cin: 10, cout: 3, hw: [8, 8] });
  for (const c of configs) {
    const name = `${c.k}x${c.k} stride ${c.stride} dilation ${c.dilation} pad ${JSON.stringify(c.pad)} ${c.cin}->${c.cout} on ${c.hw.join('x')}`;
    test(name, () =>
      assertWasmMatchesCpu({
        inputs: [randomInput([3, c.hw[0], c.hw[1], c.cin]), randomInput([c.k, c.k, c.cin, c.cout])],
        forward: (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, c.stride, c.pad, 'NHWC', c.dilation),
      }));
  }
});

describe('depthwise conv2d gradients on wasm match cpu', () => {
  for (const k of [3, 5]) {
    for (const [stride, dilation] of [[1, 1], [2, 1], [1, 2]] as const) {
      for (const multiplier of [1, 2]) {
        for (const pad of ['same', 'valid'] as const) {
          test(`${k}x${k} stride ${stride} dilation ${dilation} multiplier ${multiplier} pad ${pad}`, () =>
            assertWasmMatchesCpu({
              inputs: [randomInput([2, 12, 11, 3]), randomInput([k, k, 3, multiplier])],
              forward: (x, w) =>
                tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, pad, 'NHWC', dilation),
            }));
        }
      }
    }
  }
});

describe('separable conv2d gradients on wasm match cpu', () => {
  for (const [k, stride, dilation] of [[3, 1, 1], [5, 1, 1], [3, 2, 1], [3, 1, 2], [5, 1, 2]] as const) {
    test(`${k}x${k} stride ${stride} dilation ${dilation}`, () =>
      assertWasmMatchesCpu({
        inputs: [randomInput([3, 10, 10, 4]), randomInput([k, k, 4, 1]), randomInput([1, 1, 4, 6])],
        forward: (x, dw, pw) =>
          tf.separableConv2d(x as tf.Tensor4D, dw as tf.Tensor4D, pw as tf.Tensor4D, stride, 'same', dilation),
      }));
  }
});

test('registerWasmGradients is idempotent and keeps the cpu kernels', () => {
  registerWasmGradients();
  assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'cpu'), undefined);
  assert.notEqual(tf.getKernel('Conv2DBackpropFilter', 'wasm'), undefined);
  assert.notEqual(tf.getKernel('DepthwiseConv2dNativeBackpropFilter', 'wasm'), undefined);
  assert.notEqual(tf.getKernel('DepthwiseConv2dNativeBackpropInput', 'wasm'), undefined);
});
