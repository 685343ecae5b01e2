/**
 * The few OpenCV operations make_cifar_c's spatter uses, on single-channel planes: Canny edges,
 * the 5×5 chamfer distance transform (DIST_L2, mask 5), histogram equalisation, an 8-bit 3×3
 * filter2D and the 3×3 box blur.
 */
import { borderIndex } from './filters.js';

/** 3×3 Sobel gradients with a replicated border (as cv2.Canny). */
function sobel(src: Uint8Array, height: number, width: number): { dx: Int32Array; dy: Int32Array } {
  const dx = new Int32Array(height * width);
  const dy = new Int32Array(height * width);
  const at = (y: number, x: number): number => src[borderIndex(y, height, 'nearest') * width + borderIndex(x, width, 'nearest')]!;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const tl = at(y - 1, x - 1), t = at(y - 1, x), tr = at(y - 1, x + 1);
      const l = at(y, x - 1), r = at(y, x + 1);
      const bl = at(y + 1, x - 1), b = at(y + 1, x), br = at(y + 1, x + 1);
      dx[y * width + x] = tr + 2 * r + br - tl - 2 * l - bl;
      dy[y * width + x] = bl + 2 * b + br - tl - 2 * t - tr;
    }
  }
  return { dx, dy };
}

const TAN_22_5 = Math.floor(0.4142135623730950488 * (1 << 15) + 0.5);

/** cv2.Canny(src, low, high) with L1 gradient magnitude: 255 on edges, 0 elsewhere. */
export function canny(src: Uint8Array, height: number, width: number, low: number, high: number): Uint8Array {
  const { dx, dy } = sobel(src, height, width);
  const magnitude = new Int32Array(height * width);
  for (let i = 0; i < magnitude.length; i++) magnitude[i] = Math.abs(dx[i]!) + Math.abs(dy[i]!);
  const mag = (y: number, x: number): number => (y < 0 || y >= height || x < 0 || x >= width ? 0 : magnitude[y * width + x]!);
  // 0: not an edge, 1: weak candidate, 2: edge.
  const state = new Uint8Array(height * width);
  const stack: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const m = magnitude[p]!;
      if (m <= low) continue;
      const ax = Math.abs(dx[p]!);
      const ayShifted = Math.abs(dy[p]!) * (1 << 15);
      const tg22x = ax * TAN_22_5;
      let isMaximum: boolean;
      if (ayShifted < tg22x) {
        isMaximum = m > mag(y, x - 1) && m >= mag(y, x + 1);
      } else {
        const tg67x = tg22x + ax * (1 << 16);
        if (ayShifted > tg67x) {
          isMaximum = m > mag(y - 1, x) && m >= mag(y + 1, x);
        } else {
          const s = dx[p]! < 0 !== dy[p]! < 0 ? -1 : 1;
          isMaximum = m > mag(y - 1, x - s) && m > mag(y + 1, x + s);
        }
      }
      if (!isMaximum) continue;
      if (m > high) {
        state[p] = 2;
        stack.push(p);
      } else state[p] = 1;
    }
  }
  // Hysteresis: weak candidates 8-connected to an edge become edges.
  while (stack.length > 0) {
    const p = stack.pop()!;
    const y = Math.floor(p / width);
    const x = p - y * width;
    for (let ny = y - 1; ny <= y + 1; ny++) {
      for (let nx = x - 1; nx <= x + 1; nx++) {
        if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
        const q = ny * width + nx;
        if (state[q] === 1) {
          state[q] = 2;
          stack.push(q);
        }
      }
    }
  }
  const edges = new Uint8Array(height * width);
  for (let i = 0; i < edges.length; i++) edges[i] = state[i] === 2 ? 255 : 0;
  return edges;
}

// OpenCV's 5×5 chamfer weights for DIST_L2: orthogonal, diagonal, knight's move.
const CHAMFER: readonly [number, number, number][] = [
  [0, -1, 1], [-1, 0, 1], [-1, -1, 1.4], [-1, 1, 1.4],
  [-1, -2, 2.1969], [-1, 2, 2.1969], [-2, -1, 2.1969], [-2, 1, 2.1969],
];

/** Distance from each non-zero pixel to the nearest zero pixel (cv2.distanceTransform(DIST_L2, 5)). */
export function distanceTransform(src: Uint8Array, height: number, width: number): Float64Array {
  const dist = new Float64Array(height * width);
  for (let i = 0; i < dist.length; i++) dist[i] = src[i] === 0 ? 0 : Infinity;
  const relax = (y: number, x: number, sign: 1 | -1): void => {
    const p = y * width + x;
    let best = dist[p]!;
    for (const [oy, ox, cost] of CHAMFER) {
      const ny = y + sign * oy;
      const nx = x + sign * ox;
      if (ny < 0 || ny >= height || nx < 0 || nx >= width) continue;
      const candidate = dist[ny * width + nx]! + cost;
      if (candidate < best) best = candidate;
    }
    dist[p] = best;
  };
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) relax(y, x, 1);
  for (let y = height - 1; y >= 0; y--) for (let x = width - 1; x >= 0; x--) relax(y, x, -1);
  return dist;
}

/** cv2.equalizeHist on an 8-bit plane. */
export function equalizeHistogram(src: Uint8Array): Uint8Array {
  const histogram = new Int32Array(256);
  for (const v of src) histogram[v]!++;
  let first = 0;
  while (first < 255 && histogram[first] === 0) first++;
  const total = src.length;
  if (histogram[first] === total) return new Uint8Array(src.length).fill(first);
  const lookup = new Uint8Array(256);
  const scale = 255 / (total - histogram[first]!);
  let sum = 0;
  for (let i = first + 1; i < 256; i++) {
    sum += histogram[i]!;
    lookup[i] = Math.min(255, Math.round(sum * scale));
  }
  return src.map((v) => lookup[v]!);
}

/** 3×3 correlation on a plane with OpenCV's default border; `round` gives the 8-bit saturated result. */
export function filter3x3(src: ArrayLike<number>, height: number, width: number, kernel: readonly number[], round: boolean): Float64Array {
  const out = new Float64Array(height * width);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let ky = 0; ky < 3; ky++) {
        const row = borderIndex(y + ky - 1, height, 'reflect101') * width;
        for (let kx = 0; kx < 3; kx++) sum += kernel[ky * 3 + kx]! * src[row + borderIndex(x + kx - 1, width, 'reflect101')]!;
      }
      out[y * width + x] = round ? Math.min(255, Math.max(0, Math.round(sum))) : sum;
    }
  }
  return out;
}

export const BOX_3X3 = [1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9, 1 / 9] as const;
