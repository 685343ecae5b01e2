/**
 * What an exported ensemble's predict accepts: raw pixels 0..255, NHWC, as a flat uint8 or float32
 * array or a [N, H, W, C] tensor, checked against ensemble.json's input shape and pixel range. The
 * normalisation and the forward passes are train/'s (predictProbs), as for the cached predictions.
 */
import { readPixels, type ImageSource, type RawImages } from '../train/normalize.js';
import { EnsembleInputError } from './errors.js';
import { checkPixelRange, pixelRange } from './pixel-range.js';

export type { RawImages } from '../train/normalize.js';

/** `images` as an ImageSource of `count` images (default: all), after the shape and range checks. */
export async function rawImageSource(images: RawImages, shape: readonly [number, number, number], count?: number): Promise<ImageSource> {
  const [height, width, channels] = shape;
  const total = imageCount(images, shape, count);
  const pixels = await readPixels(images);
  // uint8 arrays cannot leave 0..255; anything else may be on another scale (issue 20, item 2).
  if (!(images instanceof Uint8Array)) checkPixelRange(pixelRange(pixels.values), 'predict', pixels.integer);
  return { images: pixels.values, count: total, height, width, channels };
}

/** Number of images in `images`, checked against the expected [height, width, channels]. */
function imageCount(images: RawImages, shape: readonly [number, number, number], count?: number): number {
  const [height, width, channels] = shape;
  const imageSize = height * width * channels;
  if (!(images instanceof Uint8Array || images instanceof Float32Array)) {
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
