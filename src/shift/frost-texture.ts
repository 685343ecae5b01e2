/**
 * Procedural frost (no external assets): stands in for the six frost photographs make_cifar_c
 * crops from. A hazy plasma layer plus ice needles with ±60° side branches (hexagonal ice), softly
 * blurred and tinted pale blue. Textures are generated once per size from fixed seeds, so they act
 * like fixed files: the image's RNG only picks the texture and the crop.
 */
import { gaussianFilter } from './filters.js';
import { nextPowerOfTwo, plasmaFractal } from './plasma.js';
import { createCorruptionRng, uniform } from './random.js';
import type { FloatImage, CorruptionRng } from './types.js';

export const FROST_TEXTURE_COUNT = 5;
const FROST_TINT = [0.84, 0.92, 1.0] as const;

function drawNeedle(ice: Float64Array, size: number, x: number, y: number, angle: number, length: number, strength: number, depth: number, rng: CorruptionRng): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const nextBranchEvery = length / 4;
  let nextBranch = nextBranchEvery;
  for (let t = 0; t <= length; t += 0.5) {
    // Wrap around so the texture tiles and needles near the edge are not cut.
    const px = ((Math.round(x + t * cos) % size) + size) % size;
    const py = ((Math.round(y + t * sin) % size) + size) % size;
    const value = strength * (1 - (0.5 * t) / length);
    const p = py * size + px;
    if (value > ice[p]!) ice[p] = value;
    if (depth > 0 && t >= nextBranch) {
      nextBranch += nextBranchEvery;
      const side = rng() < 0.5 ? -1 : 1;
      drawNeedle(ice, size, x + t * cos, y + t * sin, angle + (side * Math.PI) / 3, length * uniform(rng, 0.25, 0.5), strength * 0.85, depth - 1, rng);
    }
  }
}

/** One size × size RGB frost texture, values in 0..1. */
export function generateFrostTexture(size: number, variant: number): FloatImage {
  const rng = createCorruptionRng(`frost-texture/${variant}/${size}`);
  const haze = plasmaFractal(size, 2, rng);
  const ice = new Float64Array(size * size);
  const needles = Math.round((size * size) / 48);
  for (let i = 0; i < needles; i++) {
    drawNeedle(ice, size, uniform(rng, 0, size), uniform(rng, 0, size), uniform(rng, 0, Math.PI * 2), size * uniform(rng, 0.02, 0.1), uniform(rng, 0.35, 1), 2, rng);
  }
  const soft = gaussianFilter({ data: ice, height: size, width: size, channels: 1 }, 0.6, 'reflect').data;
  const texture: FloatImage = { data: new Float64Array(size * size * 3), height: size, width: size, channels: 3 };
  for (let p = 0; p < size * size; p++) {
    const level = Math.min(1, 0.2 + 0.35 * haze[p]! + 0.9 * soft[p]!);
    for (let c = 0; c < 3; c++) texture.data[3 * p + c] = Math.min(1, level * FROST_TINT[c]! + 0.04);
  }
  return texture;
}

const textureCache = new Map<number, FloatImage[]>();

/** The FROST_TEXTURE_COUNT textures large enough to crop a height × width patch from. */
export function frostTextures(height: number, width: number): FloatImage[] {
  const size = Math.max(256, nextPowerOfTwo(Math.max(height, width) + 1));
  let textures = textureCache.get(size);
  if (!textures) {
    textures = Array.from({ length: FROST_TEXTURE_COUNT }, (_, variant) => generateFrostTexture(size, variant));
    textureCache.set(size, textures);
  }
  return textures;
}
