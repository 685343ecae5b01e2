/**
 * The wasm replacements of data-movement kernels (Slice, SplitV, Unpack, Concat, Tile, Identity,
 * Cast), of leading-axis Sum/Mean and of the pooling gradients give the cpu backend's results.
 */
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmGradients } from '../../src/train/kernels/index.js';

let seed = 100;
function randomValues(shape: number[]): Float32Array {
  return tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', seed++).dataSync() as Float32Array);
}

/** Runs `compute` on both backends from the same input arrays; returns [cpu, wasm] outputs. */
async function onBothBackends(
  inputs: { shape: number[]; values: Float32Array | Int32Array; dtype?: 'float32' | 'int32' }[],
  compute: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<[number[][], number[][]]> {
  const results: number[][][] = [];
  for (const backend of ['cpu', 'wasm']) {
    await tf.setBackend(backend);
    results.push(
      tf.tidy(() => {
        const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
        const out = compute(...xs);
        return (Array.isArray(out) ? out : [out]).map((t) => [...t.shape, -1, ...Array.from(t.dataSync())]);
      }),
    );
  }
  return [results[0]!, results[1]!];
}

async function assertSameOnBothBackends(...args: Parameters<typeof onBothBackends>): Promise<void> {
  const [cpu, wasm] = await onBothBackends(...args);
  assert.deepEqual(wasm, cpu);
}

async function assertCloseOnBothBackends(...args: Parameters<typeof onBothBackends>): Promise<void> {
  const [cpu, wasm] = await onBothBackends(...args);
  assert.equal(wasm.length, cpu.length);
  cpu.forEach((expected, i) => {
    const actual = wasm[i]!;
    assert.equal(actual.length, expected.length);
    const scale = Math.max(1e-12, ...expected.map(Math.abs));
    const worst = Math.max(...expected.map((e, j) => Math.abs(e - actual[j]!)));
    assert.ok(worst / scale <= 1e-5, `output ${i}: relative error ${worst / scale}`);
  });
}

before(async () => {
  registerWasmGradients();
  await tf.setBackend('wasm');
});

describe('data movement on wasm matches cpu', () => {
  test('slice of rank 1 to 6, channel and spatial windows', async () => {
    for (const [shape, begin, size] of [
      [[10], [3], [5]],
      [[4, 6], [1, 2], [2, 3]],
      [[2, 5, 7, 8], [0, 1, 2, 3], [2, 3, 4, 2]],
      [[3, 4, 5, 32], [0, 0, 0, 8], [3, 4, 5, 8]],
      [[2, 4, 3, 3, 5], [1, 1, 0, 2, 0], [1, 2, 3, 1, 5]],
      [[2, 3, 2, 3, 2, 4], [0, 1, 1, 0, 0, 1], [2, 2, 1, 3, 2, 2]],
      [[4, 40, 3], [1, 2, 0], [2, 30, 3]],
    ] as [number[], number[], number[]][]) {
      await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.slice(x, begin, size));
    }
  });

  test('slice of int32 keeps negative values bit-exact', async () => {
    const values = Int32Array.from({ length: 60 }, (_, i) => (i % 2 ? -i : i * 1000003));
    await assertSameOnBothBackends([{ shape: [3, 4, 5], values, dtype: 'int32' }], (x) => tf.slice(x, [1, 1, 1], [2, 2, 3]));
  });

  test('split and unstack along every axis', async () => {
    const shape = [4, 6, 5, 8];
    for (let axis = 0; axis < 4; axis++) {
      await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.split(x, [1, shape[axis]! - 1], axis));
      await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.unstack(x, axis));
    }
    await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.split(x, [1, 4, 3], 3));
  });

  test('concat of 1, 2 and 3 tensors along every axis', async () => {
    for (let axis = 0; axis < 4; axis++) {
      const shapes = [0, 1, 2].map((i) => {
        const shape = [2, 3, 4, 5];
        shape[axis] = i + 1;
        return shape;
      });
      const inputs = shapes.map((shape) => ({ shape, values: randomValues(shape) }));
      await assertSameOnBothBackends(inputs, (...xs) => tf.concat(xs, axis));
      await assertSameOnBothBackends(inputs.slice(0, 2), (...xs) => tf.concat(xs, axis));
      await assertSameOnBothBackends(inputs.slice(0, 1), (...xs) => tf.concat(xs, axis));
    }
  });

  test('transpose: 2-D to 6-D, merged and unit dims, tiles with remainders', async () => {
    for (const [shape, perm] of [
      [[70, 33], [1, 0]],
      [[5, 40, 37], [0, 2, 1]],
      [[5, 40, 37], [2, 0, 1]],
      [[4, 7, 6, 33], [3, 1, 2, 0]],
      [[4, 7, 6, 3], [1, 2, 0, 3]],
      [[4, 1, 6, 35], [3, 0, 1, 2]],
      [[3, 4, 2, 4, 2, 5], [0, 2, 4, 1, 3, 5]],
      [[3, 2, 2, 4, 4, 5], [0, 3, 1, 4, 2, 5]],
      [[2, 3, 4, 5, 6], [4, 3, 2, 1, 0]],
      [[1, 1, 9], [2, 0, 1]],
      [[6], [0]],
    ] as [number[], number[]][]) {
      await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.transpose(x, perm));
    }
    const values = Int32Array.from({ length: 24 }, (_, i) => -i - 1);
    await assertSameOnBothBackends([{ shape: [2, 3, 4], values, dtype: 'int32' }], (x) => tf.transpose(x, [2, 0, 1]));
  });

  test('tile with every pattern of repeated dims', async () => {
    for (const [shape, reps] of [
      [[1, 1, 1, 8], [4, 5, 6, 1]],
      [[2, 3], [3, 2]],
      [[2, 1, 3], [1, 4, 1]],
      [[3, 2, 2, 2], [1, 1, 1, 3]],
      [[2, 2, 2, 2], [2, 1, 2, 1]],
      [[5], [1]],
    ] as [number[], number[]][]) {
      await assertSameOnBothBackends([{ shape, values: randomValues(shape) }], (x) => tf.tile(x, reps));
    }
  });
});

describe('pooling gradients on wasm match cpu', () => {
  const configs: [number, number, 'same' | 'valid'][] = [
    [3, 1, 'same'],
    [3, 2, 'same'],
    [2, 2, 'valid'],
    [3, 2, 'valid'],
    [1, 2, 'valid'],
  ];
  // 2×2 stride-2 windows tiling an even-sized input: the direct maxPoolGrad2x2 loop.
  for (const pad of ['valid', 'same'] as const) {
    test(`max pool 2x2 stride 2 ${pad} on an even-sized input, with ties`, async () => {
      const shape = [3, 8, 10, 6];
      await assertCloseOnBothBackends([{ shape, values: randomValues(shape) }], (x) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(input) as tf.Tensor4D, 2, 2, pad), tf.sin(tf.maxPool(x as tf.Tensor4D, 2, 2, pad)))))(x),
      );
      const levels = randomValues(shape).map((v) => Math.round(v));
      await assertCloseOnBothBackends([{ shape, values: levels }, { shape: [1], values: new Float32Array([0]) }], (x, zero) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.maxPool(input as tf.Tensor4D, 2, 2, pad).mul(tf.add(zero, 2))))(x),
      );
    });
    test(`max pool 2x2 stride 2 ${pad} on an even-sized input, windows with NaN or only −∞`, async () => {
      const shape = [2, 4, 6, 3];
      const values = randomValues(shape);
      const at = (y: number, x: number, c: number) => (y * 6 + x) * 3 + c; // image 0
      for (const [y, x] of [[0, 0], [0, 1], [1, 0], [1, 1]]) values[at(y!, x!, 0)] = -Infinity; // whole window
      for (const [y, x] of [[0, 2], [0, 3], [1, 2], [1, 3]]) values[at(y!, x!, 1)] = NaN; // whole window
      for (const [y, x, c] of [[2, 0, 2], [3, 5, 0], [3, 4, 1], [2, 5, 1]]) values[at(y!, x!, c!)] = NaN; // partly
      values[at(2, 2, 0)] = -Infinity;
      await assertSameOnBothBackends(
        [{ shape, values }, { shape: [2, 2, 3, 3], values: randomValues([2, 2, 3, 3]) }],
        (x, g) => tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(input as tf.Tensor4D, 2, 2, pad), g)))(x),
      );
    });
  }
  for (const [size, stride, pad] of configs) {
    test(`max pool ${size}x${size} stride ${stride} ${pad}, with ties from relu`, async () => {
      const shape = [2, 9, 8, 5];
      await assertCloseOnBothBackends([{ shape, values: randomValues(shape) }], (x) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(tf.relu(input) as tf.Tensor4D, size, stride, pad), 1.5)))(x),
      );
      await assertCloseOnBothBackends(
        [{ shape, values: randomValues(shape) }, { shape, values: randomValues(shape) }],
        (x, w) => tf.grad((input: tf.Tensor) => tf.sum(tf.maxPool(tf.mul(input, w) as tf.Tensor4D, size, stride, pad).mul(2.5)))(x),
      );
    });
    test(`max pool ${size}x${size} stride ${stride} ${pad} routes ties to the first maximum`, async () => {
      const shape = [2, 9, 8, 5];
      const levels = randomValues(shape).map((v) => Math.round(v));
      await assertCloseOnBothBackends([{ shape, values: levels }, { shape: [1], values: new Float32Array([0]) }], (x, zero) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.maxPool(input as tf.Tensor4D, size, stride, pad).mul(tf.add(zero, 2))))(x),
      );
    });
    test(`avg pool ${size}x${size} stride ${stride} ${pad}`, async () => {
      const shape = [2, 9, 8, 5];
      await assertCloseOnBothBackends([{ shape, values: randomValues(shape) }], (x) =>
        tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.avgPool(input as tf.Tensor4D, size, stride, pad), tf.sin(tf.avgPool(x as tf.Tensor4D, size, stride, pad)))))(x),
      );
    });
  }
});

describe('reductions on wasm match cpu', () => {
  test('sum and mean over leading axes (one matmul) and other axes (stock), with keepDims', async () => {
    const shape = [8, 10, 5, 7]; // [0, 1, 2] and [0, 1] take the matmul path (≥ 64 rows)
    const cases: [number | number[], boolean][] = [
      [[0, 1, 2], false],
      [[0, 1, 2], true],
      [[2, 0, 1], false],
      [[0, 1], true],
      [0, false],
      [[1, 2], false],
      [3, true],
      [[0, 1, 2, 3], false],
    ];
    for (const [axis, keepDims] of cases) {
      await assertCloseOnBothBackends([{ shape, values: randomValues(shape) }], (x) => [
        tf.sum(x, axis, keepDims),
        tf.mean(x, axis, keepDims),
      ]);
    }
  });

  test('int32 sums keep the stock kernel and stay exact', async () => {
    const shape = [8, 9, 3];
    const values = Int32Array.from(randomValues(shape), (v) => Math.round(v * 1000));
    await assertSameOnBothBackends([{ shape, values, dtype: 'int32' }], (x) => tf.sum(x, [0, 1]));
  });
});

describe('identity and same-dtype cast on wasm share the buffer', () => {
  const buffers = () => (tf.backend() as unknown as { numDataIds(): number }).numDataIds();

  test('clone and cast(float32) add no buffer, and outlive their input', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor([1.5, -2, 3.25, 4], [2, 2]);
    const before = buffers();
    const copies = [tf.clone(x), tf.cast(x, 'float32'), tf.engine().runKernel('Identity', { x }) as tf.Tensor];
    assert.equal(buffers(), before);
    x.dispose();
    for (const copy of copies) assert.deepEqual(Array.from(copy.dataSync()), [1.5, -2, 3.25, 4]);
    assert.equal(buffers(), before);
    tf.dispose(copies);
    assert.equal(buffers(), before - 1);
  });

  test('casts between dtypes still convert', async () => {
    await assertSameOnBothBackends([{ shape: [5], values: new Float32Array([1.7, -2.2, 0, 3.9, -0.4]) }], (x) => [
      tf.cast(x, 'int32'),
      tf.cast(tf.cast(x, 'int32'), 'float32'),
    ]);
  });
});

describe('batch norm forward on wasm matches cpu', () => {
  test('per-channel parameters (folded multiply-add), without scale/offset, and rank-4 parameters (stock)', async () => {
    const shape = [3, 5, 4, 6];
    const channel = (offset: number) => ({ shape: [6], values: randomValues([6]).map((v) => v + offset) });
    const x = { shape, values: randomValues(shape) };
    const [mean, variance, offset, scale] = [channel(0.3), channel(0), channel(0), channel(1)];
    variance.values = variance.values.map((v) => v * v + 0.1);
    await assertCloseOnBothBackends([x, mean, variance, offset, scale], (xs, m, v, o, s) => [
      tf.batchNorm4d(xs as tf.Tensor4D, m as tf.Tensor1D, v as tf.Tensor1D, o as tf.Tensor1D, s as tf.Tensor1D, 1e-5),
      tf.batchNorm4d(xs as tf.Tensor4D, m as tf.Tensor1D, v as tf.Tensor1D, undefined, undefined, 1e-3),
      tf.batchNorm4d(xs as tf.Tensor4D, tf.reshape(m, [1, 1, 1, 6]) as tf.Tensor4D, tf.reshape(v, [1, 1, 1, 6]) as tf.Tensor4D),
    ]);
  });
});
