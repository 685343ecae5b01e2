import { createHash } from 'node:crypto';
import type { DartsCell, Genotype } from './types.js';

/** Hex digits of the sha256 kept in ids: 64 bits, collision-free for any realistic search. */
const ID_HEX_LENGTH = 16;

/** The edges of a node are summed, so their order carries no meaning: sort them by (input, op). */
function canonicalCell(cell: DartsCell): [number, string][][] {
  return cell.map((node) =>
    node
      .map((edge): [number, string] => [edge.input, edge.op])
      .sort(([inputA, opA], [inputB, opB]) => inputA - inputB || (opA < opB ? -1 : opA > opB ? 1 : 0)),
  );
}

/** Canonical JSON of a genotype: equal for genotypes describing the same architecture. */
export function canonicalGenotypeJson(genotype: Genotype): string {
  if (genotype.space === 'darts') {
    return JSON.stringify({ space: 'darts', normal: canonicalCell(genotype.normal), reduce: canonicalCell(genotype.reduce) });
  }
  return JSON.stringify({ space: 'nb201', edges: genotype.edges });
}

/** Short stable id of an architecture, e.g. "darts-3f9c0a1b2d4e5f60": sha256 of its canonical JSON. */
export function genotypeId(genotype: Genotype): string {
  const hash = createHash('sha256').update(canonicalGenotypeJson(genotype)).digest('hex');
  return `${genotype.space}-${hash.slice(0, ID_HEX_LENGTH)}`;
}
