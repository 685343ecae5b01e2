import * as tf from '@tensorflow/tfjs';
import { EnsembleInputError } from './errors.js';

/** Raw images, pixel values 0..255, NHWC: a flat typed array or a 4D tensor. */
export type RawImages = Uint8Array | Float32Array | tf.Tensor4D;

export interface Preprocessing {
  mean: number[];
  std: number[];
}

/** Number of images in `images`, checked against the expected [height, width, channels]. */
export function imageCount(images: RawImages, shape: readonly [number, number, number], count?: number): number {
  const [height, width, channels] = shape;
  const imageSize = height * width * channels;
  if (images instanceof tf.Tensor) {
    const [n, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== height || w !== width || c !== channels) {
      throw new EnsembleInputError(`images tensor has shape [${images.shape.join(', ')}], expected [N, ${height}, ${width}, ${channels}]`);
    }
    if (count !== undefined && count !== n) throw new EnsembleInputError(`count ${count} does not match the tensor's ${n} images`);
    return n;
  }
  const inferred = images.length / imageSize;
  if (!Number.isInteger(inferred)) {
    throw new EnsembleInputError(`${images.length} values are not a whole number of ${height}×${width}×${channels} images`);
  }
  if (count !== undefined && count !== inferred) {
    throw new EnsembleInputError(`count ${count} does not match ${images.length} values (${inferred} images of ${imageSize})`);
  }
  return inferred;
}

/**
 * Normalised float32 NHWC tensor of images [start, end): x ↦ x·scale − offset per channel, with
 * scale = 1/(255·std), offset = mean/std, the same arithmetic the members were trained and cached with.
 */
export function normalizedSlice(
  images: RawImages,
  shape: readonly [number, number, number],
  preprocessing: Preprocessing,
  start: number,
  end: number,
): tf.Tensor4D {
  const [height, width, channels] = shape;
  const scale = preprocessing.std.map((std) => 1 / (255 * std));
  const offset = preprocessing.mean.map((mean, c) => mean / preprocessing.std[c]!);
  if (images instanceof tf.Tensor) {
    return tf.tidy(() => {
      const slice = images.slice([start, 0, 0, 0], [end - start, height, width, channels]).toFloat();
      return slice.mul(tf.tensor1d(scale)).sub(tf.tensor1d(offset)) as tf.Tensor4D;
    });
  }
  const imageSize = height * width * channels;
  const raw = images.subarray(start * imageSize, end * imageSize);
  const values = new Float32Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    const channel = i % channels;
    values[i] = raw[i]! * scale[channel]! - offset[channel]!;
  }
  return tf.tensor4d(values, [end - start, height, width, channels], 'float32');
}
