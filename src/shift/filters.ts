/**
 * Linear filters on float images: borders, separable correlation (Gaussian, box) and small 2-D
 * kernels. Index tables per (size, radius, border) are cached so per-image work is just multiply-add.
 */
import type { FloatImage } from './types.js';

/**
 * How a filter reads outside the image:
 * - `nearest`: edge pixel repeated (scipy `nearest`, OpenCV BORDER_REPLICATE, ImageMagick edge);
 * - `reflect`: mirrored including the edge pixel, `cba|abc|cba` (scipy `reflect`, OpenCV BORDER_REFLECT);
 * - `reflect101`: mirrored about the edge pixel, `dcb|abcd|cba` (OpenCV's default, scipy `mirror`).
 */
export type Border = 'nearest' | 'reflect' | 'reflect101';

export function borderIndex(i: number, n: number, border: Border): number {
  if (i >= 0 && i < n) return i;
  if (n === 1) return 0;
  if (border === 'nearest') return i < 0 ? 0 : n - 1;
  if (border === 'reflect') {
    const period = 2 * n;
    const m = ((i % period) + period) % period;
    return m < n ? m : period - 1 - m;
  }
  const period = 2 * n - 2;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

const tapTables = new Map<string, Int32Array>();

/** For each output position x and tap k: the source index of x + k − radius. */
function tapTable(n: number, radius: number, border: Border): Int32Array {
  const key = `${n}:${radius}:${border}`;
  let table = tapTables.get(key);
  if (!table) {
    const taps = 2 * radius + 1;
    table = new Int32Array(n * taps);
    for (let x = 0; x < n; x++) {
      for (let k = 0; k < taps; k++) table[x * taps + k] = borderIndex(x + k - radius, n, border);
    }
    tapTables.set(key, table);
  }
  return table;
}

/** Correlates every channel along one axis with a centred odd-length kernel. */
export function correlate1d(image: FloatImage, kernel: Float64Array, axis: 'rows' | 'columns', border: Border): FloatImage {
  const { height, width, channels, data } = image;
  const taps = kernel.length;
  const radius = (taps - 1) >> 1;
  const out = new Float64Array(data.length);
  if (axis === 'columns') {
    // Along x (within each row).
    const table = tapTable(width, radius, border);
    for (let y = 0; y < height; y++) {
      const rowBase = y * width;
      for (let x = 0; x < width; x++) {
        const outBase = (rowBase + x) * channels;
        for (let c = 0; c < channels; c++) {
          let sum = 0;
          for (let k = 0; k < taps; k++) sum += kernel[k]! * data[(rowBase + table[x * taps + k]!) * channels + c]!;
          out[outBase + c] = sum;
        }
      }
    }
  } else {
    const table = tapTable(height, radius, border);
    const rowLength = width * channels;
    for (let y = 0; y < height; y++) {
      const outRow = y * rowLength;
      for (let k = 0; k < taps; k++) {
        const weight = kernel[k]!;
        if (weight === 0) continue;
        const sourceRow = table[y * taps + k]! * rowLength;
        for (let i = 0; i < rowLength; i++) out[outRow + i]! += weight * data[sourceRow + i]!;
      }
    }
  }
  return { height, width, channels, data: out };
}

export function correlateSeparable(image: FloatImage, kernel: Float64Array, border: Border): FloatImage {
  if (kernel.length === 1 && kernel[0] === 1) return { ...image, data: new Float64Array(image.data) };
  return correlate1d(correlate1d(image, kernel, 'columns', border), kernel, 'rows', border);
}

const gaussianKernels = new Map<string, Float64Array>();

/** Normalised Gaussian taps, radius int(truncate·σ + 0.5) as scipy.ndimage.gaussian_filter1d. */
export function gaussianKernel1d(sigma: number, truncate = 4): Float64Array {
  const key = `${sigma}:${truncate}`;
  let kernel = gaussianKernels.get(key);
  if (!kernel) {
    // scipy leaves an axis untouched for σ ≈ 0.
    const radius = sigma > 1e-15 ? Math.floor(truncate * sigma + 0.5) : 0;
    kernel = new Float64Array(2 * radius + 1);
    if (radius === 0) kernel[0] = 1;
    else {
      let total = 0;
      for (let i = -radius; i <= radius; i++) total += kernel[i + radius] = Math.exp((-0.5 * i * i) / (sigma * sigma));
      for (let i = 0; i < kernel.length; i++) kernel[i]! /= total;
    }
    gaussianKernels.set(key, kernel);
  }
  return kernel;
}

/** skimage.filters.gaussian (per channel, default border `nearest`, truncate 4). */
export function gaussianFilter(image: FloatImage, sigma: number, border: Border = 'nearest', truncate = 4): FloatImage {
  return correlateSeparable(image, gaussianKernel1d(sigma, truncate), border);
}

const BOX3 = new Float64Array([1 / 3, 1 / 3, 1 / 3]);

/** cv2.blur(x, (3, 3)): mean of the 3×3 neighbourhood, OpenCV's default border. */
export function boxBlur3(image: FloatImage): FloatImage {
  return correlateSeparable(image, BOX3, 'reflect101');
}

/** 2-D correlation with a centred odd kw×kh kernel (cv2.filter2D semantics), per channel. */
export function correlate2d(image: FloatImage, kernel: Float64Array, kernelHeight: number, kernelWidth: number, border: Border): FloatImage {
  const { height, width, channels, data } = image;
  const ry = (kernelHeight - 1) >> 1;
  const rx = (kernelWidth - 1) >> 1;
  const rows = tapTable(height, ry, border);
  const cols = tapTable(width, rx, border);
  const out = new Float64Array(data.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const outBase = (y * width + x) * channels;
      for (let ky = 0; ky < kernelHeight; ky++) {
        const sourceRow = rows[y * kernelHeight + ky]! * width;
        for (let kx = 0; kx < kernelWidth; kx++) {
          const weight = kernel[ky * kernelWidth + kx]!;
          if (weight === 0) continue;
          const sourceBase = (sourceRow + cols[x * kernelWidth + kx]!) * channels;
          for (let c = 0; c < channels; c++) out[outBase + c]! += weight * data[sourceBase + c]!;
        }
      }
    }
  }
  return { height, width, channels, data: out };
}
