import { Graph, alg, type Label } from '@dagrejs/graphlib';
import type { DartsCell, DartsGenotype, Genotype, Nb201Genotype } from './types.js';

/** Label of a DAG node: one state of a cell. */
export interface StateLabel {
  state: number;
  role: 'input' | 'intermediate';
}

/** Label of a DAG edge: the op applied to the source state. */
export interface OpLabel {
  op: string;
}

/** One cell as a graph: nodes are states, edges carry ops. */
export type CellGraph = Graph<Label, StateLabel, OpLabel>;

export interface DartsDags {
  normal: CellGraph;
  reduce: CellGraph;
}

export interface Nb201Dags {
  cell: CellGraph;
}

/** DARTS cell inputs c_{k-2}, c_{k-1}. */
const DARTS_INPUT_STATES = 2;

function assertAcyclic(graph: CellGraph, what: string): void {
  if (!alg.isAcyclic(graph)) {
    const cycles = alg.findCycles(graph).map((cycle) => cycle.join('→'));
    throw new Error(`${what} is not acyclic (cycles: ${cycles.join('; ')})`);
  }
}

function newCellGraph(states: number, inputStates: number): CellGraph {
  // A multigraph: without distinct inputs, two edges of a node may read the same state.
  const graph = new Graph<Label, StateLabel, OpLabel>({ directed: true, multigraph: true });
  for (let state = 0; state < states; state++) {
    graph.setNode(String(state), { state, role: state < inputStates ? 'input' : 'intermediate' });
  }
  return graph;
}

function dartsCellDag(cell: DartsCell, what: string): CellGraph {
  const states = DARTS_INPUT_STATES + cell.length;
  const graph = newCellGraph(states, DARTS_INPUT_STATES);
  cell.forEach((edges, j) => {
    edges.forEach((edge, k) => {
      if (!Number.isInteger(edge.input) || edge.input < 0 || edge.input >= states) {
        throw new Error(`${what}[${j}][${k}].input: ${edge.input} is not a state of the cell (0..${states - 1})`);
      }
      graph.setEdge(String(edge.input), String(j + DARTS_INPUT_STATES), { op: edge.op }, `e${k}`);
    });
  });
  assertAcyclic(graph, `${what} cell`);
  return graph;
}

function nb201CellDag(genotype: Nb201Genotype): CellGraph {
  // Invert n(n-1)/2 = edges for the node count.
  const nodes = Math.round((1 + Math.sqrt(1 + 8 * genotype.edges.length)) / 2);
  const graph = newCellGraph(nodes, 1);
  let index = 0;
  for (let to = 1; to < nodes; to++) {
    for (let from = 0; from < to; from++) {
      const op = genotype.edges[index++] as string;
      // 'none' is the absence of an edge.
      if (op !== 'none') graph.setEdge(String(from), String(to), { op }, `e${index - 1}`);
    }
  }
  return graph;
}

/**
 * The genotype as @dagrejs/graphlib DAGs, one per cell type. Nodes are states ("0", "1", …) labelled
 * with {@link StateLabel}; edges run from the state read to the state written, labelled with their
 * op and named "e<k>" (the edge index within the node for DARTS, in the 6-edge order for NB201).
 * A DARTS cell's output concatenates all intermediate states; an NB201 cell's output is its last
 * node. NB201 'none' edges are left out. Throws if a cell is cyclic or reads a missing state.
 */
export function toDag(genotype: DartsGenotype): DartsDags;
export function toDag(genotype: Nb201Genotype): Nb201Dags;
export function toDag(genotype: Genotype): DartsDags | Nb201Dags;
export function toDag(genotype: Genotype): DartsDags | Nb201Dags {
  if (genotype.space === 'darts') {
    return { normal: dartsCellDag(genotype.normal, 'normal'), reduce: dartsCellDag(genotype.reduce, 'reduce') };
  }
  return { cell: nb201CellDag(genotype) };
}
