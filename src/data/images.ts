/** Whole-set helpers: normalisation statistics and shared-memory copies. */
import type { LabelledImages } from './types.js';

/** Per-channel mean and standard deviation of the pixels on the 0..1 scale. */
export function channelStatistics(set: LabelledImages): { mean: number[]; std: number[] } {
  const { channels } = set;
  const sums = new Float64Array(channels);
  const squareSums = new Float64Array(channels);
  const images = set.images;
  for (let i = 0; i < images.length; i++) {
    const value = images[i];
    const channel = i % channels;
    sums[channel] += value;
    squareSums[channel] += value * value;
  }
  const pixelsPerChannel = images.length / channels;
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < channels; c++) {
    const m = sums[c] / pixelsPerChannel;
    const variance = Math.max(0, squareSums[c] / pixelsPerChannel - m * m);
    mean.push(m / 255);
    std.push(Math.sqrt(variance) / 255);
  }
  return { mean, std };
}

function sharedCopy(bytes: Uint8Array): Uint8Array {
  const shared = new Uint8Array(new SharedArrayBuffer(bytes.length));
  shared.set(bytes);
  return shared;
}

/** Same set with images and labels in SharedArrayBuffers, for worker threads. */
export function toShared(set: LabelledImages): LabelledImages {
  return { ...set, images: sharedCopy(set.images), labels: sharedCopy(set.labels) };
}
