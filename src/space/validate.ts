import { dartsStatesBefore, nb201Edges } from './cells.js';
import type { DartsSearchSpace, Genotype, Nb201SearchSpace, SearchSpace } from './types.js';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function opProblem(space: SearchSpace, path: string, op: unknown): string | undefined {
  if (typeof op === 'string' && space.ops.includes(op)) return undefined;
  return `${path}: ${JSON.stringify(op)} is not an op of space ${space.name} (allowed: ${space.ops.join(', ')})`;
}

function dartsCellProblems(space: DartsSearchSpace, cellName: string, cell: unknown): string[] {
  const { intermediateNodes, edgesPerNode, distinctInputs } = space.cell;
  if (!Array.isArray(cell)) return [`${cellName}: must be an array of ${intermediateNodes} nodes`];
  if (cell.length !== intermediateNodes) return [`${cellName}: expected ${intermediateNodes} nodes, got ${cell.length}`];
  const problems: string[] = [];
  cell.forEach((node: unknown, j) => {
    const nodePath = `${cellName}[${j}]`;
    if (!Array.isArray(node) || node.length !== edgesPerNode) {
      problems.push(`${nodePath}: expected an array of ${edgesPerNode} edges`);
      return;
    }
    const allowed = dartsStatesBefore(space, j);
    node.forEach((edge: unknown, k) => {
      const edgePath = `${nodePath}[${k}]`;
      if (!isRecord(edge)) {
        problems.push(`${edgePath}: must be an object { op, input }`);
        return;
      }
      const op = opProblem(space, `${edgePath}.op`, edge.op);
      if (op) problems.push(op);
      const input = edge.input;
      if (!Number.isInteger(input) || (input as number) < 0 || (input as number) >= allowed) {
        problems.push(`${edgePath}.input: ${JSON.stringify(input)} is not an earlier state (allowed 0..${allowed - 1})`);
      }
    });
    if (distinctInputs) {
      const inputs = node.map((edge: unknown) => (isRecord(edge) ? edge.input : undefined));
      const repeated = inputs.find((input, k) => input !== undefined && inputs.indexOf(input) !== k);
      if (repeated !== undefined) problems.push(`${nodePath}: edges must read different states, got ${JSON.stringify(repeated)} twice`);
    }
  });
  return problems;
}

function nb201Problems(space: Nb201SearchSpace, edges: unknown): string[] {
  const expected = nb201Edges(space).length;
  if (!Array.isArray(edges) || edges.length !== expected) return [`edges: expected an array of ${expected} ops`];
  return edges.flatMap((op: unknown, index) => opProblem(space, `edges[${index}]`, op) ?? []);
}

/**
 * Problems of a genotype in a space, each naming its path, e.g.
 * "normal[2][1].input: 5 is not an earlier state (allowed 0..3)". Empty when valid.
 */
export function validateGenotype(space: SearchSpace, genotype: unknown): string[] {
  if (!isRecord(genotype)) return ['(root): a genotype must be an object'];
  if (genotype.space !== space.kind) {
    return [`space: expected ${JSON.stringify(space.kind)}, got ${JSON.stringify(genotype.space)}`];
  }
  if (space.kind === 'darts') {
    return [...dartsCellProblems(space, 'normal', genotype.normal), ...dartsCellProblems(space, 'reduce', genotype.reduce)];
  }
  return nb201Problems(space, genotype.edges);
}

/** Throws with every problem listed unless the genotype is valid; narrows its type. */
export function assertValidGenotype(space: SearchSpace, genotype: unknown, what = 'genotype'): asserts genotype is Genotype {
  const problems = validateGenotype(space, genotype);
  if (problems.length > 0) throw new Error(`invalid ${what} for space ${space.name}:\n  - ${problems.join('\n  - ')}`);
}
