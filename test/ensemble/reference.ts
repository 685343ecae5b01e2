/** Slow, obviously-correct references for the selection tests. */
import seedrandom from 'seedrandom';

const FLOOR = 1e-12;

/** NLL of the (multiset) average of the members' true-class probabilities, one log per point. */
export function referenceNll(pool: Float32Array[], members: readonly number[]): number {
  const numPoints = pool[0]!.length;
  let total = 0;
  for (let i = 0; i < numPoints; i++) {
    let sum = 0;
    for (const member of members) sum += pool[member]![i]!;
    total -= Math.log(Math.max(sum / members.length, FLOOR));
  }
  return total / numPoints;
}

/** The greedy path by definition: each step, the unused member minimising referenceNll; ties lower index. */
export function referenceGreedyPath(pool: Float32Array[], size: number, withReplacement: boolean): number[] {
  const chosen: number[] = [];
  const steps = withReplacement ? size : Math.min(size, pool.length);
  for (let step = 0; step < steps; step++) {
    let best = -1;
    let bestNll = Infinity;
    for (let candidate = 0; candidate < pool.length; candidate++) {
      if (!withReplacement && chosen.includes(candidate)) continue;
      const nll = referenceNll(pool, [...chosen, candidate]);
      if (nll < bestNll) {
        bestNll = nll;
        best = candidate;
      }
    }
    chosen.push(best);
  }
  return chosen;
}

export function subsetsOfSize(poolSize: number, size: number): number[][] {
  if (size === 0) return [[]];
  const result: number[][] = [];
  for (let first = 0; first < poolSize; first++) {
    for (const rest of subsetsOfSize(poolSize, size - 1)) if (rest.every((member) => member > first)) result.push([first, ...rest]);
  }
  return result;
}

/** Random true-class probabilities in (0, 1), some members sharper than others. */
export function randomPool(seed: string, poolSize: number, numPoints: number): Float32Array[] {
  const rng = seedrandom(seed);
  return Array.from({ length: poolSize }, () => {
    const sharpness = 0.3 + 3 * rng();
    return Float32Array.from({ length: numPoints }, () => Math.pow(rng(), 1 / sharpness));
  });
}

export const sortedCopy = (members: readonly number[]): number[] => [...members].sort((a, b) => a - b);

/** Members that are sharp on their own random subset of points and poor elsewhere: greedy can go wrong. */
export function specialistPool(seed: string, poolSize: number, numPoints: number): Float32Array[] {
  const rng = seedrandom(seed);
  return Array.from({ length: poolSize }, () => {
    const coverage = 0.2 + 0.7 * rng();
    return Float32Array.from({ length: numPoints }, () => (rng() < coverage ? 0.7 + 0.3 * rng() : 0.02 + 0.2 * rng()));
  });
}
