/** Seeded random numbers: uniform, integer, normal (Box–Muller) and Poisson (numpy's algorithms). */
import seedrandom from 'seedrandom';
import type { CorruptionRng } from './types.js';

/** A fast seeded generator (Alea); the same seed always gives the same stream. */
export function createCorruptionRng(seed: number | string): CorruptionRng {
  return seedrandom.alea(String(seed));
}

/** Generator for image `index` of a batch: depends only on (seed, index), not on batching. */
export function imageRng(seed: number | string, index: number): CorruptionRng {
  return createCorruptionRng(`${seed}#${index}`);
}

export function uniform(rng: CorruptionRng, low: number, high: number): number {
  return low + (high - low) * rng();
}

/** Integer in [low, highExclusive), like numpy's randint. */
export function randomInt(rng: CorruptionRng, low: number, highExclusive: number): number {
  return low + Math.floor(rng() * (highExclusive - low));
}

/** One standard normal draw. */
export function standardNormal(rng: CorruptionRng): number {
  // 1 - u keeps log away from 0.
  const u = 1 - rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fills `out` with N(mean, std²) draws, two per Box–Muller pair. */
export function fillNormal(rng: CorruptionRng, out: Float64Array, mean = 0, std = 1): Float64Array {
  const n = out.length;
  for (let i = 0; i < n; i += 2) {
    const radius = Math.sqrt(-2 * Math.log(1 - rng())) * std;
    const angle = 2 * Math.PI * rng();
    out[i] = mean + radius * Math.cos(angle);
    if (i + 1 < n) out[i + 1] = mean + radius * Math.sin(angle);
  }
  return out;
}

const LOG_GAMMA_COEFFS = [
  8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4,
  8.417508417508418e-4, -1.917526917526918e-3, 6.41025641025641e-3, -2.955065359477124e-2,
  1.796443723688307e-1, -1.3924322169059,
];

/** log Γ(x) for x > 0 (numpy's Stirling-series loggam). */
export function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  let x0 = x;
  let shift = 0;
  if (x <= 7) {
    shift = Math.floor(7 - x);
    x0 = x + shift;
  }
  const inverseSquare = 1 / (x0 * x0);
  let series = LOG_GAMMA_COEFFS[9]!;
  for (let k = 8; k >= 0; k--) series = series * inverseSquare + LOG_GAMMA_COEFFS[k]!;
  let result = series / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 0; k < shift; k++) {
    x0 -= 1;
    result -= Math.log(x0);
  }
  return result;
}

/** A Poisson(lambda) sampler with its constants precomputed: multiplication method below 10, Hörmann's PTRS above (as numpy). */
export function poissonSampler(lambda: number): (rng: CorruptionRng) => number {
  if (lambda <= 0) return () => 0;
  if (lambda < 10) {
    const limit = Math.exp(-lambda);
    return (rng) => {
      let count = 0;
      let product = rng();
      while (product > limit) {
        count++;
        product *= rng();
      }
      return count;
    };
  }
  const sqrtLambda = Math.sqrt(lambda);
  const logLambda = Math.log(lambda);
  const b = 0.931 + 2.53 * sqrtLambda;
  const a = -0.059 + 0.02483 * b;
  const logInverseAlpha = Math.log(1.1239 + 1.1328 / (b - 3.4));
  const acceptBound = 0.9277 - 3.6224 / (b - 2);
  return (rng) => {
    for (;;) {
      const u = rng() - 0.5;
      const v = rng();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      if (us >= 0.07 && v <= acceptBound) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      if (Math.log(v) + logInverseAlpha - Math.log(a / (us * us) + b) <= -lambda + k * logLambda - logGamma(k + 1)) return k;
    }
  };
}

/**
 * Exact inverse-CDF Poisson sampler: one uniform and a binary search in the tabulated CDF, which
 * stops 12 standard deviations above the mean (the mass left out is below 1e-30).
 */
export function poissonTableSampler(lambda: number): (rng: CorruptionRng) => number {
  if (lambda <= 0) return () => 0;
  const last = Math.ceil(lambda + 12 * Math.sqrt(lambda) + 12);
  const cdf = new Float64Array(last + 1);
  const logLambda = Math.log(lambda);
  let total = 0;
  for (let k = 0; k <= last; k++) {
    total += Math.exp(-lambda + k * logLambda - logGamma(k + 1));
    cdf[k] = total;
  }
  for (let k = 0; k <= last; k++) cdf[k]! /= total;
  return (rng) => {
    const u = rng();
    let low = 0;
    let high = last;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (cdf[middle]! > u) high = middle;
      else low = middle + 1;
    }
    return low;
  };
}

// Tables pay off when the same rates recur: shot noise on 8-bit images has ≤ 256 per severity.
const TABLE_LIMIT = 5000;
const samplerCache = new Map<number, (rng: CorruptionRng) => number>();

/** One Poisson(lambda) draw; samplers are cached per lambda. */
export function poisson(rng: CorruptionRng, lambda: number): number {
  let sampler = samplerCache.get(lambda);
  if (!sampler) {
    if (samplerCache.size > 4096) samplerCache.clear();
    sampler = lambda <= TABLE_LIMIT ? poissonTableSampler(lambda) : poissonSampler(lambda);
    samplerCache.set(lambda, sampler);
  }
  return sampler(rng);
}
