import type { Rng } from '../util/rng.js';
import { dartsStatesBefore, nb201Edges } from './cells.js';
import type { DartsCell, DartsSearchSpace, Genotype, SearchSpace } from './types.js';

/** `count` distinct integers of [0, n), uniformly (partial Fisher–Yates). */
function distinctIntegers(rng: Rng, n: number, count: number): number[] {
  const pool = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + rng.int(n - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

function sampleDartsCell(space: DartsSearchSpace, rng: Rng): DartsCell {
  const { intermediateNodes, edgesPerNode, distinctInputs } = space.cell;
  return Array.from({ length: intermediateNodes }, (_, j) => {
    const states = dartsStatesBefore(space, j);
    const inputs = distinctInputs
      ? distinctIntegers(rng, states, edgesPerNode)
      : Array.from({ length: edgesPerNode }, () => rng.int(states));
    return inputs.map((input) => ({ op: rng.choice(space.ops), input }));
  });
}

/** A uniformly random genotype of the space (NES-RS proposals, NES-RE's initial population). */
export function sampleGenotype(space: SearchSpace, rng: Rng): Genotype {
  if (space.kind === 'darts') {
    const normal = sampleDartsCell(space, rng);
    const reduce = sampleDartsCell(space, rng);
    return { space: 'darts', normal, reduce };
  }
  return { space: 'nb201', edges: nb201Edges(space).map(() => rng.choice(space.ops)) };
}
