/** ImageMagick's MotionBlurImage (used by make_cifar_c through Wand for motion_blur and snow). */
import { createImage } from './image.js';
import type { FloatImage } from './types.js';

interface MotionKernel {
  weights: Float64Array;
  dx: Int32Array;
  dy: Int32Array;
}

/**
 * One-sided kernel of width 2·ceil(radius) + 1: weight exp(−i²/2σ²) (normalised) at offset
 * i·(cos θ, sin θ) rounded, so the blur streaks from each pixel towards the angle.
 */
export function motionKernel(radius: number, sigma: number, angleDegrees: number): MotionKernel {
  const width = 2 * Math.ceil(radius) + 1;
  const weights = new Float64Array(width);
  const dx = new Int32Array(width);
  const dy = new Int32Array(width);
  const angle = (angleDegrees * Math.PI) / 180;
  let total = 0;
  for (let i = 0; i < width; i++) {
    total += weights[i] = Math.exp(-(i * i) / (2 * sigma * sigma));
    dx[i] = Math.ceil(i * Math.cos(angle) - 0.5);
    dy[i] = Math.ceil(i * Math.sin(angle) - 0.5);
  }
  for (let i = 0; i < width; i++) weights[i]! /= total;
  return { weights, dx, dy };
}

/** Motion blur with edge-clamped reads (ImageMagick's default virtual pixels). */
export function motionBlur(image: FloatImage, radius: number, sigma: number, angleDegrees: number): FloatImage {
  const { height, width, channels, data } = image;
  const { weights, dx, dy } = motionKernel(radius, sigma, angleDegrees);
  const out = createImage(height, width, channels);
  const target = out.data;
  const taps = weights.length;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const base = (y * width + x) * channels;
      for (let i = 0; i < taps; i++) {
        const sy = Math.min(height - 1, Math.max(0, y + dy[i]!));
        const sx = Math.min(width - 1, Math.max(0, x + dx[i]!));
        const source = (sy * width + sx) * channels;
        const w = weights[i]!;
        for (let c = 0; c < channels; c++) target[base + c]! += w * data[source + c]!;
      }
    }
  }
  return out;
}
