/**
 * Genotype types shared by every stage. A genotype is plain JSON (what the journal, the farm and
 * exports carry); `space/dag.ts` turns it into a @dagrejs/graphlib DAG when a graph view is needed.
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
