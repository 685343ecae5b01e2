/**
 * Round trips for the ONNX tests: a tfjs network with seeded random BN statistics (so that
 * inference-mode BN is really checked), saved as nes saves members, converted from its files,
 * and run in ONNX Runtime (onnxruntime-node, CPU provider).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import type { Normalization } from '../../../src/data/types.js';
import { encodeModel } from '../../../src/export/onnx/proto.js';
import { memberModel } from '../../../src/export/onnx/member-model.js';
import type { NetworkShape } from '../../../src/export/onnx/member-network.js';
import type { Genotype } from '../../../src/space/types.js';
import { saveLayersModel } from '../../../src/train/model-io.js';
import { readModelWeights } from '../../../src/train/model-weights.js';
import { normalizeInto, type ImageSource } from '../../../src/train/normalize.js';
import { createRng } from '../../../src/util/rng.js';

/** Sets every BatchNorm's gamma, beta, moving mean and moving variance to seeded values far from 1, 0, 0, 1. */
export function randomiseBatchNorm(model: tf.LayersModel, seed: number): void {
  const rng = createRng(`onnx-bn:${seed}`);
  const uniform = (low: number, high: number, n: number) => Float32Array.from({ length: n }, () => low + (high - low) * rng.next());
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const channels = layer.getWeights()[0]!.shape[0]!;
    const values = [uniform(0.5, 1.5, channels), uniform(-0.5, 0.5, channels), uniform(-0.5, 0.5, channels), uniform(0.3, 2, channels)];
    layer.setWeights(values.map((v) => tf.tensor1d(v)));
    count++;
  }
  assert.ok(count > 0, 'the model has BatchNorm layers');
}

/** Saves `model` into a fresh folder as nes saves members; returns its weights as the exporter reads them. */
export async function savedWeights(model: tf.LayersModel): Promise<ReturnType<typeof readModelWeights>> {
  const dir = mkdtempSync(join(tmpdir(), 'nes-onnx-member-'));
  try {
    await saveLayersModel(model, dir);
    return readModelWeights(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The member's ONNX model bytes, built from the saved weights. */
export async function memberOnnx(model: tf.LayersModel, genotype: Genotype, shape: NetworkShape): Promise<Uint8Array> {
  const weights = await savedWeights(model);
  return encodeModel(memberModel({ genotype, weights, source: 'test member' }, shape, classNames(shape.numClasses)));
}

export function classNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `class ${i}`);
}

/** Normalised NHWC float32 images, exactly what predictProbs feeds the tfjs model. */
export function normalised(source: ImageSource, normalization: Normalization): Float32Array {
  const values = new Float32Array(source.count * source.height * source.width * source.channels);
  normalizeInto(source, { start: 0, end: source.count }, normalization, values);
  return values;
}

/** Runs a one-input ONNX model in ONNX Runtime; outputs by name. */
export async function runOnnx(bytes: Uint8Array, input: ort.Tensor): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return (await session.run({ [session.inputNames[0]!]: input })) as Record<string, ort.Tensor>;
  } finally {
    await session.release();
  }
}

/** Seeded raw pixels 0..255 (uint8), NHWC. */
export function randomImages(count: number, height: number, width: number, channels: number, seed: number): ImageSource {
  const rng = createRng(`onnx-images:${seed}`);
  const images = Uint8Array.from({ length: count * height * width * channels }, () => rng.int(256));
  return { images, count, height, width, channels };
}

export function largestDifference(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length, 'lengths');
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  return worst;
}

export function assertWithin(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: number, what: string): void {
  const worst = largestDifference(actual, expected);
  assert.ok(worst <= tolerance, `${what}: largest difference ${worst} > ${tolerance}`);
}
