/** Blur family: defocus, glass, motion, zoom and gaussian blur. */
import { correlate2d, gaussianFilter } from '../filters.js';
import { addClippedZoom } from '../geometry.js';
import { floorTo8Bit, roundTo8Bit } from '../image.js';
import { motionBlur as motionBlurFilter } from '../motion.js';
import { listParam, numberParam } from '../params.js';
import { randomInt, uniform } from '../random.js';
import type { KindImplementation } from '../types.js';

interface SquareKernel {
  size: number;
  weights: Float64Array;
}

const defocusKernels = new Map<string, SquareKernel>();

/**
 * make_cifar_c's disk(): a normalised aliased disk (x² + y² ≤ r²) on a 17×17 grid, smoothed by
 * cv2.GaussianBlur (3×3, σ = alias) and cropped to its non-zero support.
 */
export function defocusKernel(radius: number, aliasSigma: number): SquareKernel {
  const key = `${radius}:${aliasSigma}`;
  const cached = defocusKernels.get(key);
  if (cached) return cached;
  const half = radius <= 8 ? 8 : Math.ceil(radius);
  const smoothSize = radius <= 8 ? 3 : 5;
  const grid = 2 * half + 1;
  const disk = new Float64Array(grid * grid);
  let total = 0;
  for (let y = -half; y <= half; y++) {
    for (let x = -half; x <= half; x++) {
      if (x * x + y * y <= radius * radius) {
        disk[(y + half) * grid + x + half] = 1;
        total += 1;
      }
    }
  }
  for (let i = 0; i < disk.length; i++) disk[i]! /= total;
  const taps = new Float64Array(smoothSize);
  let tapTotal = 0;
  for (let i = 0; i < smoothSize; i++) {
    const d = i - (smoothSize - 1) / 2;
    tapTotal += taps[i] = Math.exp(-(d * d) / (2 * aliasSigma * aliasSigma));
  }
  for (let i = 0; i < smoothSize; i++) taps[i]! /= tapTotal;
  const smooth2d = new Float64Array(smoothSize * smoothSize);
  for (let y = 0; y < smoothSize; y++) for (let x = 0; x < smoothSize; x++) smooth2d[y * smoothSize + x] = taps[y]! * taps[x]!;
  const smoothed = correlate2d({ data: disk, height: grid, width: grid, channels: 1 }, smooth2d, smoothSize, smoothSize, 'reflect101').data;
  // Crop to the smallest centred square holding every non-zero weight.
  let reach = 0;
  for (let y = 0; y < grid; y++) {
    for (let x = 0; x < grid; x++) {
      if (smoothed[y * grid + x] !== 0) reach = Math.max(reach, Math.abs(y - half), Math.abs(x - half));
    }
  }
  const size = 2 * reach + 1;
  const weights = new Float64Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) weights[y * size + x] = smoothed[(y + half - reach) * grid + x + half - reach]!;
  }
  const kernel = { size, weights };
  defocusKernels.set(key, kernel);
  return kernel;
}

/** Correlation with an anti-aliased disk (cv2.filter2D, reflect-101 border). */
export const defocusBlur: KindImplementation = {
  params: ['radius', 'aliasSigma'],
  apply(image, params) {
    const { size, weights } = defocusKernel(numberParam(params, 'radius'), numberParam(params, 'aliasSigma'));
    return correlate2d(image, weights, size, size, 'reflect101');
  },
};

/**
 * Gaussian blur, 8-bit, then `iterations` sweeps (bottom-right to top-left) in which each pixel
 * takes the value of a random neighbour offset in [−δ, δ) on both axes (numpy randint's exclusive
 * end, as the reference), then Gaussian blur again. The reference's "swap"
 * `x[h, w], x[h', w'] = x[h', w'], x[h, w]` runs on numpy views of RGB pixels, so its second
 * assignment writes back the value just copied: each step is a copy, not a swap (issue 14).
 */
export const glassBlur: KindImplementation = {
  params: ['sigma', 'maxDelta', 'iterations'],
  apply(image, params, rng) {
    const sigma = numberParam(params, 'sigma');
    const delta = numberParam(params, 'maxDelta');
    const iterations = numberParam(params, 'iterations');
    const shuffled = floorTo8Bit(gaussianFilter(image, sigma));
    const { height, width, channels, data } = shuffled;
    for (let iteration = 0; iteration < iterations; iteration++) {
      for (let y = height - delta; y > delta; y--) {
        for (let x = width - delta; x > delta; x--) {
          const dx = randomInt(rng, -delta, delta);
          const dy = randomInt(rng, -delta, delta);
          const here = (y * width + x) * channels;
          const there = ((y + dy) * width + x + dx) * channels;
          for (let c = 0; c < channels; c++) data[here + c] = data[there + c]!;
        }
      }
    }
    return gaussianFilter(shuffled, sigma);
  },
};

/** ImageMagick motion blur at a uniform angle in [−45°, 45°], result on the 8-bit grid (PNG round trip). */
export const motionBlur: KindImplementation = {
  params: ['radius', 'sigma'],
  apply(image, params, rng) {
    const angle = uniform(rng, -45, 45);
    return roundTo8Bit(motionBlurFilter(image, numberParam(params, 'radius'), numberParam(params, 'sigma'), angle));
  },
};

/** Mean of the image and its centre zooms by each factor (clipped_zoom). */
export const zoomBlur: KindImplementation = {
  params: ['factors'],
  apply(image, params) {
    const factors = listParam(params, 'factors');
    const sum = new Float64Array(image.data);
    const scratch = new Float64Array(image.data.length);
    for (const factor of factors) addClippedZoom(image, factor, sum, scratch);
    for (let i = 0; i < sum.length; i++) sum[i]! /= factors.length + 1;
    return { ...image, data: sum };
  },
};

/** skimage gaussian filter (edge-replicated border, truncate 4σ). */
export const gaussianBlur: KindImplementation = {
  params: ['sigma'],
  apply(image, params) {
    return gaussianFilter(image, numberParam(params, 'sigma'));
  },
};
