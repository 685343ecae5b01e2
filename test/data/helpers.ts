import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabelledImages } from '../../src/data/types.js';

export function makeTempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `nes-${prefix}-`));
}

/** A tiny 2×3 grayscale set whose pixels encode (image index, pixel index): easy to trace. */
export function tinySet(labels: number[]): LabelledImages {
  const count = labels.length;
  const images = new Uint8Array(count * 6);
  for (let i = 0; i < images.length; i++) images[i] = (Math.floor(i / 6) * 7 + (i % 6)) % 256;
  return { images, labels: Uint8Array.from(labels), count, height: 2, width: 3, channels: 1 };
}
