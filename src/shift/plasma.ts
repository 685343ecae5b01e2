/** Diamond-square plasma fractal (make_cifar_c plasma_fractal): a wrapping cloudy height map. */
import { uniform } from './random.js';
import type { CorruptionRng } from './types.js';

/**
 * mapSize × mapSize map (mapSize a power of two), normalised to 0..1. Each level adds noise of
 * amplitude wibble² (as the reference: wibble · U(−wibble, wibble)) and divides wibble by `decay`,
 * so a smaller decay keeps more fine detail.
 */
export function plasmaFractal(mapSize: number, decay: number, rng: CorruptionRng): Float64Array {
  if (mapSize < 2 || (mapSize & (mapSize - 1)) !== 0) throw new RangeError(`plasma map size must be a power of two ≥ 2, got ${mapSize}`);
  const map = new Float64Array(mapSize * mapSize);
  const at = (y: number, x: number): number => map[((y + mapSize) % mapSize) * mapSize + ((x + mapSize) % mapSize)]!;
  let step = mapSize;
  let wibble = 100;
  while (step >= 2) {
    const half = step / 2;
    // Squares: centre = mean of the four corners + noise.
    for (let y = 0; y < mapSize; y += step) {
      for (let x = 0; x < mapSize; x += step) {
        const sum = at(y, x) + at(y + step, x) + at(y, x + step) + at(y + step, x + step);
        map[(y + half) * mapSize + x + half] = sum / 4 + wibble * uniform(rng, -wibble, wibble);
      }
    }
    // Diamonds: edge midpoints = mean of the two adjacent corners and two adjacent centres + noise.
    for (let y = 0; y < mapSize; y += step) {
      for (let x = 0; x < mapSize; x += step) {
        const top = at(y, x) + at(y, x + step) + at(y + half, x + half) + at(y - half, x + half);
        map[y * mapSize + x + half] = top / 4 + wibble * uniform(rng, -wibble, wibble);
        const left = at(y, x) + at(y + step, x) + at(y + half, x + half) + at(y + half, x - half);
        map[(y + half) * mapSize + x] = left / 4 + wibble * uniform(rng, -wibble, wibble);
      }
    }
    step = half;
    wibble /= decay;
  }
  let min = Infinity;
  let max = -Infinity;
  for (const v of map) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min || 1;
  for (let i = 0; i < map.length; i++) map[i] = (map[i]! - min) / range;
  return map;
}

export function nextPowerOfTwo(n: number): number {
  let size = 2;
  while (size < n) size *= 2;
  return size;
}
