/**
 * Resampling: scipy-style clipped zoom, PIL's BOX resize, bilinear sampling for affine warps and
 * displacement fields. Per-size index tables are cached.
 */
import { borderIndex, type Border } from './filters.js';
import { createImage } from './image.js';
import type { FloatImage } from './types.js';

/** Python's round(): halves go to the even neighbour. */
export function roundHalfEven(value: number): number {
  const rounded = Math.round(value);
  return Math.abs(value % 1) === 0.5 && rounded % 2 !== 0 ? rounded - 1 : rounded;
}

/** Linear interpolation plan along one axis: out[o] = (1 − w)·src[lo] + w·src[hi]. */
interface AxisPlan {
  lo: Int32Array;
  hi: Int32Array;
  weight: Float64Array;
}

const zoomPlans = new Map<string, AxisPlan>();

/**
 * One axis of make_cifar_c's clipped_zoom: crop the central ceil(n / z) pixels, zoom them with
 * scipy.ndimage.zoom(order=1) to round(crop·z) pixels (corner-aligned grid), keep the central n.
 */
function zoomAxisPlan(n: number, factor: number): AxisPlan {
  const key = `${n}:${factor}`;
  let plan = zoomPlans.get(key);
  if (plan) return plan;
  const crop = Math.ceil(n / factor);
  const start = Math.floor((n - crop) / 2);
  const zoomed = roundHalfEven(crop * factor);
  const trim = Math.floor((zoomed - n) / 2);
  plan = { lo: new Int32Array(n), hi: new Int32Array(n), weight: new Float64Array(n) };
  for (let o = 0; o < n; o++) {
    const coord = zoomed > 1 ? ((o + trim) * (crop - 1)) / (zoomed - 1) : 0;
    const lo = Math.min(Math.floor(coord), crop - 1);
    plan.lo[o] = start + lo;
    plan.hi[o] = start + Math.min(lo + 1, crop - 1);
    plan.weight[o] = coord - lo;
  }
  zoomPlans.set(key, plan);
  return plan;
}

/** Zooms into the centre by `factor` (≥ 1) keeping the image size (make_cifar_c clipped_zoom). */
export function clippedZoom(image: FloatImage, factor: number): FloatImage {
  const out = createImage(image.height, image.width, image.channels);
  addClippedZoom(image, factor, out.data);
  return out;
}

/**
 * target += clippedZoom(image, factor), separably: rows are interpolated along x once, then
 * pairs of those rows along y. `scratch` (height·width·channels) avoids an allocation per call.
 */
export function addClippedZoom(image: FloatImage, factor: number, target: Float64Array, scratch = new Float64Array(image.data.length)): void {
  const { height, width, channels, data } = image;
  const rows = zoomAxisPlan(height, factor);
  const cols = zoomAxisPlan(width, factor);
  const rowLength = width * channels;
  const firstRow = rows.lo[0]!;
  const lastRow = rows.hi[height - 1]!;
  for (let r = firstRow; r <= lastRow; r++) {
    const rowBase = r * rowLength;
    for (let x = 0; x < width; x++) {
      const wx = cols.weight[x]!;
      const left = rowBase + cols.lo[x]! * channels;
      const right = rowBase + cols.hi[x]! * channels;
      const base = rowBase + x * channels;
      for (let c = 0; c < channels; c++) scratch[base + c] = data[left + c]! + wx * (data[right + c]! - data[left + c]!);
    }
  }
  for (let y = 0; y < height; y++) {
    const wy = rows.weight[y]!;
    const top = rows.lo[y]! * rowLength;
    const bottom = rows.hi[y]! * rowLength;
    const base = y * rowLength;
    for (let i = 0; i < rowLength; i++) target[base + i]! += scratch[top + i]! + wy * (scratch[bottom + i]! - scratch[top + i]!);
  }
}

/** Weights of one output pixel of a PIL resize: source pixels [start, start + weights.length). */
interface ResampleTap {
  start: number;
  weights: Float64Array;
}

const boxPlans = new Map<string, ResampleTap[]>();

/**
 * PIL's BOX filter coefficients (libImaging/Resample.c precompute_coeffs): a source pixel counts,
 * with equal weight, when its centre lies in the output pixel's footprint.
 */
function boxPlan(inSize: number, outSize: number): ResampleTap[] {
  const key = `${inSize}:${outSize}`;
  let plan = boxPlans.get(key);
  if (plan) return plan;
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 0.5 * filterScale;
  plan = [];
  for (let o = 0; o < outSize; o++) {
    const centre = (o + 0.5) * scale;
    const start = Math.max(0, Math.trunc(centre - support + 0.5));
    const stop = Math.min(inSize, Math.trunc(centre + support + 0.5));
    const weights = new Float64Array(Math.max(0, stop - start));
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const t = (start + i - centre + 0.5) / filterScale;
      const w = t > -0.5 && t <= 0.5 ? 1 : 0;
      weights[i] = w;
      total += w;
    }
    if (total > 0) for (let i = 0; i < weights.length; i++) weights[i]! /= total;
    plan.push({ start, weights });
  }
  boxPlans.set(key, plan);
  return plan;
}

/** PIL Image.resize((width, height), BOX): horizontal pass, then vertical, 8-bit between passes. */
export function resizeBox(image: FloatImage, outWidth: number, outHeight: number): FloatImage {
  const { height, width, channels, data } = image;
  const horizontal = createImage(height, outWidth, channels);
  const cols = boxPlan(width, outWidth);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < outWidth; x++) {
      const { start, weights } = cols[x]!;
      for (let c = 0; c < channels; c++) {
        let sum = 0;
        for (let i = 0; i < weights.length; i++) sum += weights[i]! * data[(y * width + start + i) * channels + c]!;
        horizontal.data[(y * outWidth + x) * channels + c] = Math.round(sum * 255) / 255;
      }
    }
  }
  const out = createImage(outHeight, outWidth, channels);
  const rows = boxPlan(height, outHeight);
  const rowLength = outWidth * channels;
  for (let y = 0; y < outHeight; y++) {
    const { start, weights } = rows[y]!;
    for (let i = 0; i < rowLength; i++) {
      let sum = 0;
      for (let k = 0; k < weights.length; k++) sum += weights[k]! * horizontal.data[(start + k) * rowLength + i]!;
      out.data[y * rowLength + i] = Math.round(sum * 255) / 255;
    }
  }
  return out;
}

/** Bilinear sample of every channel at (sy, sx) into out[outBase…]; outside pixels via `border`. */
function sampleBilinear(image: FloatImage, sy: number, sx: number, border: Border, out: Float64Array, outBase: number): void {
  const { height, width, channels, data } = image;
  const y0 = Math.floor(sy);
  const x0 = Math.floor(sx);
  const wy = sy - y0;
  const wx = sx - x0;
  const top = borderIndex(y0, height, border) * width;
  const bottom = borderIndex(y0 + 1, height, border) * width;
  const left = borderIndex(x0, width, border);
  const right = borderIndex(x0 + 1, width, border);
  for (let c = 0; c < channels; c++) {
    const upper = (1 - wx) * data[(top + left) * channels + c]! + wx * data[(top + right) * channels + c]!;
    const lower = (1 - wx) * data[(bottom + left) * channels + c]! + wx * data[(bottom + right) * channels + c]!;
    out[outBase + c] = (1 - wy) * upper + wy * lower;
  }
}

/** 2×3 affine matrix [a, b, c, d, e, f]: (x, y) ↦ (a·x + b·y + c, d·x + e·y + f). */
export type Affine = [number, number, number, number, number, number];

/** The affine map taking three points `from` onto `to` (cv2.getAffineTransform), points as [x, y]. */
export function affineFromPoints(from: readonly (readonly [number, number])[], to: readonly (readonly [number, number])[]): Affine {
  const [p0, p1, p2] = from as [[number, number], [number, number], [number, number]];
  const det = p0[0] * (p1[1] - p2[1]) - p0[1] * (p1[0] - p2[0]) + (p1[0] * p2[1] - p2[0] * p1[1]);
  if (Math.abs(det) < 1e-12) throw new RangeError('affineFromPoints: the source points are collinear');
  const solve = (v0: number, v1: number, v2: number): [number, number, number] => [
    (v0 * (p1[1] - p2[1]) - p0[1] * (v1 - v2) + (v1 * p2[1] - v2 * p1[1])) / det,
    (p0[0] * (v1 - v2) - v0 * (p1[0] - p2[0]) + (p1[0] * v2 - p2[0] * v1)) / det,
    (p0[0] * (p1[1] * v2 - p2[1] * v1) - p0[1] * (p1[0] * v2 - p2[0] * v1) + v0 * (p1[0] * p2[1] - p2[0] * p1[1])) / det,
  ];
  const [t0, t1, t2] = to as [[number, number], [number, number], [number, number]];
  return [...solve(t0[0], t1[0], t2[0]), ...solve(t0[1], t1[1], t2[1])] as Affine;
}

/** dst(x, y) = src(inverse(x, y)), bilinear (cv2.warpAffine with the inverse map given). */
export function warpAffineInverse(image: FloatImage, inverse: Affine, border: Border): FloatImage {
  const { height, width, channels } = image;
  const out = createImage(height, width, channels);
  const [a, b, c, d, e, f] = inverse;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      sampleBilinear(image, d * x + e * y + f, a * x + b * y + c, border, out.data, (y * width + x) * channels);
    }
  }
  return out;
}

/** out(y, x) = image(y + dy, x + dx), bilinear (scipy map_coordinates(order=1)). */
export function displace(image: FloatImage, dy: Float64Array, dx: Float64Array, border: Border): FloatImage {
  const { height, width, channels } = image;
  const out = createImage(height, width, channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      sampleBilinear(image, y + dy[p]!, x + dx[p]!, border, out.data, p * channels);
    }
  }
  return out;
}
