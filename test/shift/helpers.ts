/** Test images and image statistics for the shift tests. */
import { createCorruptionRng } from '../../src/shift/random.js';
import type { ImageInput } from '../../src/shift/types.js';

/** A uint8 test image. */
export interface ByteImage extends ImageInput {
  data: Uint8Array;
}

export function uniformImage(height: number, width: number, channels: number, value: number): ByteImage {
  return { data: new Uint8Array(height * width * channels).fill(value), height, width, channels };
}

export function randomImage(seed: string, height: number, width: number, channels: number): ByteImage {
  const rng = createCorruptionRng(seed);
  return { data: Uint8Array.from({ length: height * width * channels }, () => Math.floor(rng() * 256)), height, width, channels };
}

/** Smooth blobs plus mild texture: closer to a photo than uniform noise. */
export function naturalImage(seed: string, height: number, width: number, channels: number): ByteImage {
  const rng = createCorruptionRng(seed);
  const blobs = Array.from({ length: 6 }, () => ({ y: rng() * height, x: rng() * width, r: 3 + rng() * 8, colour: [rng(), rng(), rng()] }));
  const data = new Uint8Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        let v = 0.3 + 0.2 * Math.sin(x / 5 + c) * Math.cos(y / 7);
        for (const b of blobs) v += 0.5 * b.colour[c]! * Math.exp(-((y - b.y) ** 2 + (x - b.x) ** 2) / (2 * b.r * b.r));
        v += 0.05 * (rng() - 0.5);
        data[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(v * 255)));
      }
    }
  }
  return { data, height, width, channels };
}

export function checkerboard(height: number, width: number, channels: number, cell = 1): ByteImage {
  const data = new Uint8Array(height * width * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = (Math.floor(y / cell) + Math.floor(x / cell)) % 2 === 0 ? 40 : 215;
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = v;
    }
  }
  return { data, height, width, channels };
}

export function meanAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export function variance(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return sum / values.length;
}

/** Σ (discrete Laplacian)² over interior pixels and channels: high-frequency energy. */
export function laplacianEnergy(data: ArrayLike<number>, height: number, width: number, channels: number): number {
  let energy = 0;
  const at = (y: number, x: number, c: number): number => data[(y * width + x) * channels + c]!;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      for (let c = 0; c < channels; c++) {
        const lap = 4 * at(y, x, c) - at(y - 1, x, c) - at(y + 1, x, c) - at(y, x - 1, c) - at(y, x + 1, c);
        energy += lap * lap;
      }
    }
  }
  return energy;
}

/** Mean over pixels of max(R, G, B) (HSV value), on the 0..255 scale. */
export function meanValue(data: Uint8Array, channels: number): number {
  let sum = 0;
  const pixels = data.length / channels;
  for (let p = 0; p < pixels; p++) {
    let v = 0;
    for (let c = 0; c < channels; c++) v = Math.max(v, data[p * channels + c]!);
    sum += v;
  }
  return sum / pixels;
}
