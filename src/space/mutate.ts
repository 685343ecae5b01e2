import type { Rng } from '../util/rng.js';
import { dartsStatesBefore } from './cells.js';
import { assertValidGenotype } from './validate.js';
import type { DartsGenotype, DartsSearchSpace, Genotype, Mutation, Nb201Genotype, Nb201SearchSpace, SearchSpace } from './types.js';

export interface MutationResult {
  genotype: Genotype;
  mutation: Mutation;
}

const DARTS_CELLS = ['normal', 'reduce'] as const;
const DARTS_MUTATION_KINDS = ['identity', 'op', 'input'] as const;

function otherOps(ops: readonly string[], current: string): string[] {
  return ops.filter((op) => op !== current);
}

/** States node j could read instead of its current input on one edge, keeping the cell valid. */
function rewireTargets(space: DartsSearchSpace, node: { input: number }[], edge: number, j: number): number[] {
  const taken = space.cell.distinctInputs ? node.map((e) => e.input) : [node[edge].input];
  return Array.from({ length: dartsStatesBefore(space, j) }, (_, state) => state).filter((s) => !taken.includes(s));
}

function mutateDarts(space: DartsSearchSpace, parent: DartsGenotype, rng: Rng): MutationResult {
  const genotype = structuredClone(parent);
  const cellName = rng.choice(DARTS_CELLS);
  const cell = genotype[cellName];
  const kind = rng.choice(DARTS_MUTATION_KINDS);

  if (kind === 'op') {
    const node = rng.int(cell.length);
    const edge = rng.int(cell[node].length);
    const target = cell[node][edge];
    const from = target.op;
    target.op = rng.choice(otherOps(space.ops, from));
    return { genotype, mutation: { cell: cellName, kind, node, edge, from, to: target.op } };
  }

  if (kind === 'input') {
    // With distinct inputs, node 0 has no free state (both cell inputs are taken): rewire among
    // the (node, edge) pairs that do have one, uniformly.
    const options = cell.flatMap((edges, node) =>
      edges.map((_, edge) => ({ node, edge, targets: rewireTargets(space, edges, edge, node) })),
    ).filter((option) => option.targets.length > 0);
    if (options.length > 0) {
      const { node, edge, targets } = rng.choice(options);
      const target = cell[node][edge];
      const from = target.input;
      target.input = rng.choice(targets);
      return { genotype, mutation: { cell: cellName, kind, node, edge, from, to: target.input } };
    }
    // A space too small to rewire anything degrades to identity, rather than faking a change.
  }

  return { genotype, mutation: { cell: cellName, kind: 'identity' } };
}

function mutateNb201(space: Nb201SearchSpace, parent: Nb201Genotype, rng: Rng): MutationResult {
  const edges = [...parent.edges];
  const edge = rng.int(edges.length);
  const from = edges[edge];
  edges[edge] = rng.choice(otherOps(space.ops, from));
  return { genotype: { space: 'nb201', edges }, mutation: { cell: 'normal', kind: 'op', edge, from, to: edges[edge] } };
}

/**
 * A child of `parent`, as in NES-RE. DARTS: pick the normal or reduction cell (½ each), then
 * identity, op change (one edge to a different op) or input rewiring (one edge to a different
 * earlier state, op kept), ⅓ each. NB201: one edge's op changes to a different op.
 * The parent is left untouched.
 */
export function mutate(space: SearchSpace, parent: Genotype, rng: Rng): MutationResult {
  assertValidGenotype(space, parent, 'parent genotype');
  if (space.kind === 'darts' && parent.space === 'darts') return mutateDarts(space, parent, rng);
  if (space.kind === 'nb201' && parent.space === 'nb201') return mutateNb201(space, parent, rng);
  throw new Error(`genotype of space ${parent.space} cannot be mutated in space ${space.kind}`);
}
