import * as tf from '@tensorflow/tfjs';
import type { Normalization } from '../data/types.js';

export type { Normalization } from '../data/types.js';

/** Raw pixel values 0..255 as a flat array: uint8 (datasets), or the float/int values of a caller's images. */
export type PixelArray = Uint8Array | Float32Array | Int32Array;

/** Raw images, pixel values 0..255, NHWC: a flat typed array or a [N, H, W, C] tensor. */
export type RawImages = Uint8Array | Float32Array | tf.Tensor4D;

/** NHWC images (labels optional), possibly views of a SharedArrayBuffer. */
export interface ImageSource {
  images: PixelArray;
  count: number;
  height: number;
  width: number;
  channels: number;
}

/**
 * The pixel values of `images` as a flat array on the CPU (a tensor is read asynchronously, as
 * webgpu requires, and left undisposed), and whether they are integers (uint8 arrays, int32 tensors).
 */
export async function readPixels(images: RawImages): Promise<{ values: PixelArray; integer: boolean }> {
  if (!(images instanceof tf.Tensor)) return { values: images, integer: images instanceof Uint8Array };
  return { values: (await images.data()) as PixelArray, integer: images.dtype === 'int32' };
}

/** Image positions of one batch: a contiguous range, or any list (a shuffled order). */
export type BatchSelection = { start: number; end: number } | ArrayLike<number>;

/**
 * Normalised float32 NHWC tensor of the selected images. Reads only those images' bytes, so a
 * shared dataset is never copied as a whole.
 */
export function normalizedBatch(source: ImageSource, selection: BatchSelection, normalization: Normalization): tf.Tensor4D {
  const positions = positionsOf(selection);
  const values = new Float32Array(positions.length * source.height * source.width * source.channels);
  normalizeInto(source, positions, normalization, values);
  return tf.tensor4d(values, [positions.length, source.height, source.width, source.channels], 'float32');
}

/** Writes the selected images, normalised, into `target` (NHWC, from index 0); returns how many. */
export function normalizeInto(source: ImageSource, selection: BatchSelection, normalization: Normalization, target: Float32Array): number {
  const { height, width, channels } = source;
  const { scale, offset } = channelAffine(normalization, channels);
  const imageSize = height * width * channels;
  const positions = positionsOf(selection);
  if (positions.length * imageSize > target.length) throw new RangeError(`${positions.length} images do not fit a buffer of ${target.length} floats`);
  for (let slot = 0; slot < positions.length; slot++) {
    const position = positions[slot] as number;
    if (!Number.isInteger(position) || position < 0 || position >= source.count) {
      throw new RangeError(`image ${position} outside 0..${source.count - 1}`);
    }
    const pixels = source.images.subarray(position * imageSize, (position + 1) * imageSize);
    const base = slot * imageSize;
    for (let i = 0; i < imageSize; i++) {
      const channel = i % channels;
      target[base + i] = (pixels[i] as number) * (scale[channel] as number) - (offset[channel] as number);
    }
  }
  return positions.length;
}

function positionsOf(selection: BatchSelection): ArrayLike<number> {
  return 'start' in selection ? rangeOf(selection.start, selection.end) : selection;
}

/** (x/255 − mean)/std as x·scale − offset, checked against the image channels. */
function channelAffine(normalization: Normalization, channels: number): { scale: Float32Array; offset: Float32Array } {
  const { mean, std } = normalization;
  if (mean.length !== channels || std.length !== channels) {
    throw new RangeError(`normalization has ${mean.length} means and ${std.length} stds for ${channels} channels`);
  }
  const scale = new Float32Array(channels);
  const offset = new Float32Array(channels);
  for (let c = 0; c < channels; c++) {
    const deviation = std[c] as number;
    if (!(deviation > 0)) throw new RangeError(`normalization std[${c}] must be > 0, got ${deviation}`);
    scale[c] = 1 / (255 * deviation);
    offset[c] = (mean[c] as number) / deviation;
  }
  return { scale, offset };
}

function rangeOf(start: number, end: number): Int32Array {
  const positions = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < positions.length; i++) positions[i] = start + i;
  return positions;
}
