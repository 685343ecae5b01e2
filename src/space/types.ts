/**
 * Genotype types shared by every stage. A genotype is plain JSON (what the journal, the farm and
 * exports carry); `space/dag.ts` turns it into a @dagrejs/graphlib DAG when a graph view is needed.
 *
 * Genotype JSON format:
 *
 * DARTS — `{ "space": "darts", "normal": Cell, "reduce": Cell }`. A Cell lists the intermediate
 * nodes in order (4 in the DARTS space); each node is an array of its incoming edges (2), each edge
 * `{ "op": <op name>, "input": <state> }`. States: 0 = c_{k-2}, 1 = c_{k-1}, node j is state j+2,
 * so node j may read states 0..j+1. The two inputs of a node are different states; the edges of a
 * node are summed, so their order does not matter (genotypeId ignores it). The cell output is the
 * concatenation of all intermediate nodes. Example node: `[{"op":"sep_conv_3x3","input":0},
 * {"op":"skip_connect","input":2}]`.
 *
 * NB201 — `{ "space": "nb201", "edges": [6 op names] }` for the edges 1←0, 2←0, 2←1, 3←0, 3←1,
 * 3←2 of a 4-node cell; node 0 is the cell input, node 3 its output, "none" removes an edge.
 */

/** One incoming edge of a DARTS cell node: the op applied to an earlier state. */
export interface CellEdge {
  /** An op name of the space, e.g. "sep_conv_3x3". */
  op: string;
  /** The state it reads: 0 = c_{k-2}, 1 = c_{k-1}, 2.. = intermediate nodes (node j is state j+2). */
  input: number;
}

/** A DARTS cell: nodes[j] holds the edges (2 in the DARTS space) summed into intermediate node j. */
export type DartsCell = CellEdge[][];

export interface DartsGenotype {
  space: 'darts';
  normal: DartsCell;
  reduce: DartsCell;
}

/** NAS-Bench-201 cell: ops of the 6 edges in the order 1<-0, 2<-0, 2<-1, 3<-0, 3<-1, 3<-2. */
export interface Nb201Genotype {
  space: 'nb201';
  edges: string[];
}

export type Genotype = DartsGenotype | Nb201Genotype;

/** Macro settings of the network built around the cells. */
export interface MacroConfig {
  /** Number of cells (DARTS) or cells per stage (NB201). */
  cells: number;
  /** Channels of the first cells. */
  channels: number;
  /** DARTS stem width = stemMultiplier × channels. */
  stemMultiplier: number;
}

/**
 * A search space as stored in search-spaces/<name>.json and checked against
 * search-spaces/space.schema.json. `kind` says which genotype family it holds.
 */
export interface DartsSearchSpace {
  name: string;
  kind: 'darts';
  description?: string;
  /** Candidate ops of every edge ('none' excluded, as in the NES paper). */
  ops: string[];
  cell: {
    /** Cell inputs c_{k-2}, c_{k-1}: always 2. */
    inputStates: number;
    /** Intermediate nodes; the cell output concatenates all of them. */
    intermediateNodes: number;
    /** Edges summed into each intermediate node. */
    edgesPerNode: number;
    /** Whether the edges of one node must read different states (true in DARTS). */
    distinctInputs: boolean;
  };
  /** Reduction cells sit at floor(cells · p / q) for each fraction "p/q" (DARTS: "1/3", "2/3"). */
  reductionAt: string[];
  /** Default network around the cells. */
  macro: MacroConfig;
  /** Named alternatives to `macro`, e.g. per dataset. */
  presets?: Record<string, MacroConfig>;
}

export interface Nb201SearchSpace {
  name: string;
  kind: 'nb201';
  description?: string;
  /** Candidate ops of every edge; 'none' means the edge is absent. */
  ops: string[];
  cell: {
    /** Nodes of the cell; every pair i < j is an edge, so nodes·(nodes-1)/2 edges. */
    nodes: number;
  };
  /** Stages of `macro.cells` cells each, joined by residual reduction blocks that double channels. */
  stages: number;
  macro: MacroConfig;
  presets?: Record<string, MacroConfig>;
}

export type SearchSpace = DartsSearchSpace | Nb201SearchSpace;

/** What `mutate` changed, for the journal. */
export interface Mutation {
  /** The DARTS cell that was mutated; NB201 has a single cell type, reported as 'normal'. */
  cell: 'normal' | 'reduce';
  kind: 'identity' | 'op' | 'input';
  /** DARTS intermediate node index j (state j+2). */
  node?: number;
  /** DARTS: edge index within the node; NB201: edge index in the 6-edge order. */
  edge?: number;
  /** Old op (kind 'op') or old input state (kind 'input'). */
  from?: string | number;
  /** New op or new input state. */
  to?: string | number;
}
