/** Conversions between input images, the float working copy and the uint8 output. */
import type { FloatImage, ImageInput } from './types.js';

export function createImage(height: number, width: number, channels: number): FloatImage {
  return { data: new Float64Array(height * width * channels), height, width, channels };
}

export function cloneImage(image: FloatImage): FloatImage {
  return { ...image, data: new Float64Array(image.data) };
}

export function assertImageShape(image: ImageInput): void {
  const { height, width, channels, data } = image;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new RangeError(`image size must be positive integers, got ${height}×${width}`);
  }
  if (channels !== 1 && channels !== 3) throw new RangeError(`images must have 1 or 3 channels, got ${channels}`);
  if (data.length !== height * width * channels) {
    throw new RangeError(`image data has ${data.length} values, expected ${height}×${width}×${channels}`);
  }
}

/** uint8 → value / 255; float data is taken as already on the 0..1 scale. */
export function toFloatImage(image: ImageInput): FloatImage {
  assertImageShape(image);
  const out = createImage(image.height, image.width, image.channels);
  const source = image.data;
  if (source instanceof Uint8Array) {
    for (let i = 0; i < source.length; i++) out.data[i] = source[i]! / 255;
  } else {
    out.data.set(source);
  }
  return out;
}

// Absorbs rounding error (e.g. 128/255*255 = 127.99999…) so untouched pixels keep their value.
const FLOOR_TOLERANCE = 1e-6;

/** Clip to 0..1 and store as uint8 by flooring value·255, as np.uint8 does in the reference generator. */
export function toUint8(image: FloatImage): Uint8Array {
  const out = new Uint8Array(image.data.length);
  const data = image.data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    out[i] = v >= 1 ? 255 : v > 0 ? Math.floor(v * 255 + FLOOR_TOLERANCE) : 0;
  }
  return out;
}

/** Round to the 8-bit grid in place (for steps the reference runs on uint8 images: PIL, ImageMagick). */
export function roundTo8Bit(image: FloatImage): FloatImage {
  const data = image.data;
  for (let i = 0; i < data.length; i++) data[i] = Math.round(Math.min(1, Math.max(0, data[i]!)) * 255) / 255;
  return image;
}

/** Floor to the 8-bit grid in place (for np.uint8(x * 255) casts inside the reference). */
export function floorTo8Bit(image: FloatImage): FloatImage {
  const data = image.data;
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.floor(Math.min(1, Math.max(0, data[i]!)) * 255 + FLOOR_TOLERANCE) / 255;
  }
  return image;
}

export function clipInPlace(image: FloatImage, low = 0, high = 1): FloatImage {
  const data = image.data;
  for (let i = 0; i < data.length; i++) data[i] = Math.min(high, Math.max(low, data[i]!));
  return image;
}

/** ITU-R 601 luma weights, as cv2.COLOR_RGB2GRAY. */
export const LUMA = [0.299, 0.587, 0.114] as const;

/** Per-pixel grey level: luma for RGB, the value itself for one channel. */
export function grayPlane(image: FloatImage): Float64Array {
  const { height, width, channels, data } = image;
  const pixels = height * width;
  if (channels === 1) return new Float64Array(data);
  const out = new Float64Array(pixels);
  for (let p = 0; p < pixels; p++) {
    out[p] = LUMA[0] * data[3 * p]! + LUMA[1] * data[3 * p + 1]! + LUMA[2] * data[3 * p + 2]!;
  }
  return out;
}

/** A colour (RGB, 0..1) as the image's channels: itself for RGB, its luma for grayscale. */
export function colourForChannels(rgb: readonly [number, number, number], channels: number): number[] {
  return channels === 3 ? [...rgb] : [LUMA[0] * rgb[0] + LUMA[1] * rgb[1] + LUMA[2] * rgb[2]];
}

export function planeImage(plane: Float64Array, height: number, width: number): FloatImage {
  return { data: plane, height, width, channels: 1 };
}
