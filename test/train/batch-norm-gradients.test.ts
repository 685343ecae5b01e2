/**
 * Our FusedBatchNorm and Mean gradients (registered by initEngine on every engine) against the
 * textbook formulas evaluated with plain JS loops, on cpu and on wasm.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initEngine, type EngineName } from '../../src/train/engine.js';

const [n, h, w, c] = [3, 4, 5, 6];
const size = n * h * w * c;
const count = size / c; // elements per channel
const eps = 1e-5;

function seeded(length: number, seed: number, offset = 0): Float64Array {
  const sample = tf.randomNormal([length], offset, 1, 'float32', seed);
  const values = Float64Array.from(sample.dataSync());
  sample.dispose();
  return values;
}

const xs = seeded(size, 1, 0.7);
const rs = seeded(size, 2);
const gammas = seeded(c, 3, 1);
const betas = seeded(c, 4);
const givenMean = seeded(c, 5);
const givenVariance = seeded(c, 6).map((v) => 0.5 + v * v);

function channelStats(): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  xs.forEach((x, i) => (mean[i % c]! += x / count));
  xs.forEach((x, i) => (variance[i % c]! += (x - mean[i % c]!) ** 2 / count));
  return { mean, variance };
}

function assertClose(actual: tf.Tensor, expected: ArrayLike<number>, what: string): void {
  const values = actual.dataSync();
  assert.equal(values.length, expected.length, what);
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < values.length; i++) {
    worst = Math.max(worst, Math.abs(values[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  assert.ok(worst <= 1e-4 * Math.max(1, scale), `${what}: max difference ${worst} (scale ${scale})`);
}

const tensor = (values: Float64Array, shape: number[]) => tf.tensor(Float32Array.from(values), shape);

for (const engine of ['cpu', 'wasm'] as EngineName[]) {
  describe(`batch-norm gradients on ${engine}`, () => {
    test('training-mode BN (moments + batchNorm): dx, dγ, dβ are the closed-form ones', async () => {
      await initEngine(engine);
      const { mean, variance } = channelStats();
      const rstd = variance.map((v) => 1 / Math.sqrt(v + eps));
      const xhat = xs.map((x, i) => (x - mean[i % c]!) * rstd[i % c]!);
      const sumR = new Float64Array(c);
      const sumRXhat = new Float64Array(c);
      rs.forEach((r, i) => {
        sumR[i % c]! += r;
        sumRXhat[i % c]! += r * xhat[i]!;
      });
      const dx = rs.map((r, i) => {
        const ch = i % c;
        return (gammas[ch]! * rstd[ch]! * (count * r - sumR[ch]! - xhat[i]! * sumRXhat[ch]!)) / count;
      });
      tf.tidy(() => {
        const r = tensor(rs, [n, h, w, c]);
        const loss = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => {
          const moments = tf.moments(x, [0, 1, 2]);
          return tf.sum(tf.mul(r, tf.batchNorm4d(x as tf.Tensor4D, moments.mean as tf.Tensor1D, moments.variance as tf.Tensor1D, beta as tf.Tensor1D, gamma as tf.Tensor1D, eps)));
        };
        const [gx, gGamma, gBeta] = tf.grads(loss)([tensor(xs, [n, h, w, c]), tensor(gammas, [c]), tensor(betas, [c])]);
        assertClose(gx!, dx, 'dx');
        assertClose(gGamma!, sumRXhat, 'dγ');
        assertClose(gBeta!, sumR, 'dβ');
      });
    });

    // Parameter shapes: per channel ([c], as our layers), rank 4 with a shared scale (fast path,
    // scale gradient summed to one value), and a shared variance (the general formulas).
    const layouts: Record<string, { mean: number[]; variance: number[]; scale: number[] }> = {
      'per channel': { mean: [c], variance: [c], scale: [c] },
      'rank 4, one scale': { mean: [1, 1, 1, c], variance: [1, 1, 1, c], scale: [1, 1, 1, 1] },
      'rank 4, one variance': { mean: [1, 1, 1, c], variance: [1, 1, 1, 1], scale: [1, 1, 1, c] },
    };
    for (const [layout, shapes] of Object.entries(layouts)) {
      test(`batchNorm with given mean and variance (${layout}): every partial`, async () => {
        await initEngine(engine);
        /** Index of the parameter element that element i of x uses, and the parameter's values. */
        const param = (shape: number[], values: Float64Array) => {
          const perChannel = tf.util.sizeFromShape(shape) === c;
          return { at: (i: number) => (perChannel ? i % c : 0), values: perChannel ? values : values.subarray(0, 1) };
        };
        const m = param(shapes.mean, givenMean);
        const v = param(shapes.variance, givenVariance);
        const g = param(shapes.scale, gammas);
        const expected = {
          x: new Float64Array(size),
          mean: new Float64Array(m.values.length),
          variance: new Float64Array(v.values.length),
          scale: new Float64Array(g.values.length),
          offset: new Float64Array(c),
        };
        rs.forEach((r, i) => {
          const rstd = 1 / Math.sqrt(v.values[v.at(i)]! + eps);
          const gamma = g.values[g.at(i)]!;
          const centred = xs[i]! - m.values[m.at(i)]!;
          expected.x[i] = r * gamma * rstd;
          expected.mean[m.at(i)]! -= r * gamma * rstd;
          expected.variance[v.at(i)]! += -0.5 * r * centred * gamma * rstd ** 3;
          expected.scale[g.at(i)]! += r * centred * rstd;
          expected.offset[i % c]! += r;
        });
        tf.tidy(() => {
          const r = tensor(rs, [n, h, w, c]);
          const loss = (x: tf.Tensor, mean: tf.Tensor, variance: tf.Tensor, scale: tf.Tensor, offset: tf.Tensor) =>
            tf.sum(tf.mul(r, tf.batchNorm4d(x as tf.Tensor4D, mean as tf.Tensor4D, variance as tf.Tensor4D, offset as tf.Tensor4D, scale as tf.Tensor4D, eps)));
          const grads = tf.grads(loss)([
            tensor(xs, [n, h, w, c]),
            tensor(m.values, shapes.mean),
            tensor(v.values, shapes.variance),
            tensor(g.values, shapes.scale),
            tensor(betas, shapes.mean),
          ]);
          assert.deepEqual(grads.map((grad) => grad.shape), [[n, h, w, c], shapes.mean, shapes.variance, shapes.scale, shapes.mean]);
          assertClose(grads[0]!, expected.x, 'dx');
          assertClose(grads[1]!, expected.mean, 'dμ');
          assertClose(grads[2]!, expected.variance, 'dσ²');
          assertClose(grads[3]!, expected.scale, 'dγ');
          assertClose(grads[4]!, expected.offset, 'dβ');
        });
      });
    }

    test('mean: the gradient is dy/N broadcast over the reduced axes, with and without keepDims', async () => {
      await initEngine(engine);
      for (const keepDims of [false, true]) {
        tf.tidy(() => {
          const x = tensor(xs, [n, h, w, c]);
          const weights = tf.randomNormal(keepDims ? [1, h, 1, c] : [h, c], 0, 1, 'float32', 7);
          const gradient = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.mean(input, [0, 2], keepDims), weights)))(x);
          const perOutput = weights.dataSync();
          const expected = Array.from({ length: size }, (_, i) => {
            const row = Math.floor(i / (w * c)) % h;
            return perOutput[row * c + (i % c)]! / (n * w);
          });
          assertClose(gradient, expected, `keepDims ${keepDims}`);
        });
      }
    });
  });
}
