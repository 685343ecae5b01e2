import seedrandom from 'seedrandom';

/** Saved state of an {@link Rng}: plain JSON (seedrandom's ARC4 state). */
export type RngState = seedrandom.State.Arc4;

/** A seeded, resumable random source. Every random choice in nes goes through one. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Uniform element of a non-empty array. */
  choice<T>(items: readonly T[]): T;
  /** A fresh copy of the current state; `createRng(seed, rng.state())` continues the same stream. */
  state(): RngState;
}

/** Largest training seed we hand out: fits a signed 32-bit int, which every backend accepts. */
export const MAX_SEED = 2 ** 31 - 1;

/**
 * Creates a random source seeded by `seed`, or resumed from `state` (the seed is then ignored,
 * since the state alone defines the rest of the stream).
 */
export function createRng(seed: string | number, state?: object): Rng {
  const prng = seedrandom(String(seed), { state: (state as RngState | undefined) ?? true });
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
    // seedrandom's state() already returns a copy.
    state: () => prng.state(),
  };
}

/** Draws a training seed in [0, MAX_SEED). */
export function drawSeed(rng: Rng): number {
  return rng.int(MAX_SEED);
}
