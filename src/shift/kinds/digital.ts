/** Digital family: brightness, contrast, saturate, elastic transform, pixelate and JPEG. */
import { addValue, scaleSaturation } from '../color.js';
import { gaussianFilter } from '../filters.js';
import { affineFromPoints, displace, resizeBox, warpAffineInverse } from '../geometry.js';
import { LUMA, cloneImage, createImage } from '../image.js';
import { decodeJpeg, encodeJpeg } from '../jpeg-codec.js';
import { numberParam } from '../params.js';
import { uniform } from '../random.js';
import type { KindImplementation } from '../types.js';

/** +delta on V in HSV (see color.ts for grayscale). */
export const brightness: KindImplementation = {
  params: ['delta'],
  apply(image, params) {
    return addValue(image, numberParam(params, 'delta'));
  },
};

/** (x − mean)·factor + mean, with the mean taken per channel over the image. */
export const contrast: KindImplementation = {
  params: ['factor'],
  apply(image, params) {
    const factor = numberParam(params, 'factor');
    const out = cloneImage(image);
    const { channels, data } = out;
    const pixels = image.height * image.width;
    for (let c = 0; c < channels; c++) {
      let sum = 0;
      for (let p = 0; p < pixels; p++) sum += data[p * channels + c]!;
      const mean = sum / pixels;
      for (let p = 0; p < pixels; p++) data[p * channels + c] = (data[p * channels + c]! - mean) * factor + mean;
    }
    return out;
  },
};

/** S·scale + shift in HSV (see color.ts for grayscale). */
export const saturate: KindImplementation = {
  params: ['scale', 'shift'],
  apply(image, params) {
    return scaleSaturation(image, numberParam(params, 'scale'), numberParam(params, 'shift'));
  },
};

/**
 * Random affine (three control points jittered by U(−jitter, jitter), reflect-101 border), then
 * a smooth displacement field: U(−1, 1) noise, Gaussian-smoothed (σ, truncate 3, reflect border),
 * times α, sampled bilinearly with a reflect border. Pixel parameters are published for
 * `referenceSize` (32) and scale with min(height, width).
 */
export const elasticTransform: KindImplementation = {
  params: ['alpha', 'sigma', 'affineJitter'],
  apply(image, params, rng, spec) {
    const { height, width } = image;
    const scale = spec.referenceSize ? Math.min(height, width) / spec.referenceSize : 1;
    const alpha = numberParam(params, 'alpha') * scale;
    const sigma = numberParam(params, 'sigma') * scale;
    const jitter = numberParam(params, 'affineJitter') * scale;
    const cx = Math.floor(width / 2);
    const cy = Math.floor(height / 2);
    const side = Math.floor(Math.min(height, width) / 3);
    const from: [number, number][] = [
      [cx + side, cy + side],
      [cx + side, cy - side],
      [cx - side, cy - side],
    ];
    const to = from.map(([x, y]) => [x + uniform(rng, -jitter, jitter), y + uniform(rng, -jitter, jitter)] as [number, number]);
    // warpAffine maps source → destination; sampling needs destination → source.
    const warped = warpAffineInverse(image, affineFromPoints(to, from), 'reflect101');
    const field = (): Float64Array => {
      const noise = createImage(height, width, 1);
      for (let i = 0; i < noise.data.length; i++) noise.data[i] = uniform(rng, -1, 1);
      const smooth = gaussianFilter(noise, sigma, 'reflect', 3).data;
      for (let i = 0; i < smooth.length; i++) smooth[i]! *= alpha;
      return smooth;
    };
    const dx = field();
    const dy = field();
    return displace(warped, dy, dx, 'reflect');
  },
};

/** PIL BOX resize down to ⌊size·factor⌋ and back up (8-bit, as PIL). */
export const pixelate: KindImplementation = {
  params: ['factor'],
  apply(image, params) {
    const factor = numberParam(params, 'factor');
    const { height, width } = image;
    const small = resizeBox(image, Math.max(1, Math.trunc(width * factor)), Math.max(1, Math.trunc(height * factor)));
    return resizeBox(small, width, height);
  },
};

/**
 * Real JPEG encode + decode at `quality`: baseline, 4:2:0 chroma, the standard tables, as PIL
 * (see jpeg-codec.ts). Grayscale goes through equal RGB channels and comes back as luma.
 */
export const jpegCompression: KindImplementation = {
  params: ['quality'],
  apply(image, params) {
    const { height, width, channels, data } = image;
    const pixels = height * width;
    const rgba = new Uint8Array(pixels * 4);
    const to8 = (v: number): number => Math.round(Math.min(1, Math.max(0, v)) * 255);
    for (let p = 0; p < pixels; p++) {
      for (let k = 0; k < 3; k++) rgba[4 * p + k] = to8(data[p * channels + (channels === 3 ? k : 0)]!);
      rgba[4 * p + 3] = 255;
    }
    const decoded = decodeJpeg(encodeJpeg({ data: rgba, width, height }, numberParam(params, 'quality')));
    const out = createImage(height, width, channels);
    for (let p = 0; p < pixels; p++) {
      if (channels === 3) {
        for (let k = 0; k < 3; k++) out.data[3 * p + k] = decoded[4 * p + k]! / 255;
      } else {
        const gray = LUMA[0] * decoded[4 * p]! + LUMA[1] * decoded[4 * p + 1]! + LUMA[2] * decoded[4 * p + 2]!;
        out.data[p] = Math.round(gray) / 255;
      }
    }
    return out;
  },
};
