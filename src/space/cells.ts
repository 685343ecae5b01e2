import type { DartsSearchSpace, Nb201SearchSpace } from './types.js';

/** One NB201 edge: `to` reads `from` (nodes 0..nodes-1). */
export interface Nb201Edge {
  from: number;
  to: number;
}

/** NB201 edges in genotype order: 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2, … */
export function nb201Edges(space: Pick<Nb201SearchSpace, 'cell'>): Nb201Edge[] {
  const edges: Nb201Edge[] = [];
  for (let to = 1; to < space.cell.nodes; to++) {
    for (let from = 0; from < to; from++) edges.push({ from, to });
  }
  return edges;
}

/** Number of states intermediate node j may read: the cell inputs and nodes before it. */
export function dartsStatesBefore(space: DartsSearchSpace, node: number): number {
  return space.cell.inputStates + node;
}

/**
 * Cell indices (0-based) that are reduction cells in a DARTS network of `cells` cells:
 * floor(cells · p / q) for each "p/q" in space.reductionAt (DARTS: floor(cells/3), floor(2·cells/3)).
 */
export function reductionCellIndices(space: DartsSearchSpace, cells: number = space.macro.cells): number[] {
  const indices = space.reductionAt.map((fraction) => {
    const [p, q] = fraction.split('/').map(Number) as [number, number];
    return Math.floor((cells * p) / q);
  });
  return [...new Set(indices)].sort((a, b) => a - b);
}
