/** Every implemented corruption kind, by its CIFAR-10-C name. */
import { defocusBlur, gaussianBlur, glassBlur, motionBlur, zoomBlur } from './kinds/blur.js';
import { brightness, contrast, elasticTransform, jpegCompression, pixelate, saturate } from './kinds/digital.js';
import { gaussianNoise, impulseNoise, shotNoise, speckleNoise } from './kinds/noise.js';
import { spatter } from './kinds/spatter.js';
import { fog, frost, snow } from './kinds/weather.js';
import type { KindImplementation } from './types.js';

export const KINDS: Readonly<Record<string, KindImplementation>> = {
  gaussian_noise: gaussianNoise,
  shot_noise: shotNoise,
  impulse_noise: impulseNoise,
  speckle_noise: speckleNoise,
  defocus_blur: defocusBlur,
  glass_blur: glassBlur,
  motion_blur: motionBlur,
  zoom_blur: zoomBlur,
  gaussian_blur: gaussianBlur,
  snow,
  frost,
  fog,
  spatter,
  brightness,
  contrast,
  saturate,
  elastic_transform: elasticTransform,
  pixelate,
  jpeg_compression: jpegCompression,
};

export function kindImplementation(kind: string): KindImplementation {
  const implementation = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined;
  if (!implementation) throw new RangeError(`unknown corruption kind "${kind}" (known: ${Object.keys(KINDS).join(', ')})`);
  return implementation;
}
