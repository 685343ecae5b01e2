import type { LabelledImages } from '../../src/data/types.js';

/** `count` black 2×2 grayscale images, all of class 0: data for tests where pixels do not matter. */
export function blankImages(count: number): LabelledImages {
  return { images: new Uint8Array(count * 4), labels: new Uint8Array(count), count, height: 2, width: 2, channels: 1 };
}
