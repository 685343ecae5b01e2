/**
 * Search spaces and genotypes.
 *
 * Genotype JSON format (see types.ts):
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
export * from './types.js';
export { loadSpace, parseSpace, validateSpace, listSpaces } from './load.js';
export { validateGenotype, assertValidGenotype } from './validate.js';
export { sampleGenotype } from './sample.js';
export { mutate, type MutationResult } from './mutate.js';
export { genotypeId, canonicalGenotypeJson } from './id.js';
export { toDag, type DartsDags, type Nb201Dags, type StateLabel, type OpLabel, type CellGraph } from './dag.js';
export { loadNamedGenotype, listNamedGenotypes } from './named.js';
export { reductionCellIndices, nb201Edges, dartsStatesBefore, type Nb201Edge } from './cells.js';
export { resolveMacro } from './macro.js';
