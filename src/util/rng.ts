import seedrandom from 'seedrandom';

/**
 * A seeded random source. Every random choice of the search and of training goes through one (the
 * image corruptions of shift/ draw from their own faster stream, shift/'s CorruptionRng).
 * There is no saved state: a resumed search replays its journal into fresh optimizers instead.
 */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform element of a non-empty array. */
  choice<T>(items: readonly T[]): T;
}

/** Largest training seed we hand out: fits a signed 32-bit int, which every backend accepts. */
export const MAX_SEED = 2 ** 31 - 1;

/** Creates a random source seeded by `seed`: the same seed always gives the same stream. */
export function createRng(seed: string | number): Rng {
  const prng = seedrandom(String(seed));
  const next = (): number => prng();
  const int = (n: number): number => {
    if (!Number.isInteger(n) || n <= 0) throw new RangeError(`rng.int(n) needs a positive integer, got ${n}`);
    return Math.floor(next() * n);
  };
  return {
    next,
    int,
    choice<T>(items: readonly T[]): T {
      if (items.length === 0) throw new RangeError('rng.choice() of an empty array');
      return items[int(items.length)] as T;
    },
  };
}

/** Draws a training seed in [0, MAX_SEED). */
export function drawSeed(rng: Rng): number {
  return rng.int(MAX_SEED);
}
