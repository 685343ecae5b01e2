import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { childPath, pointerToPath } from './json-path.js';
import { looksLikePath, searchSpacesDir } from './paths.js';
import type { SearchSpace } from './types.js';

let compiledSchema: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (compiledSchema === undefined) {
    const schema = JSON.parse(readFileSync(join(searchSpacesDir(), 'space.schema.json'), 'utf8')) as object;
    compiledSchema = new Ajv({ allErrors: true, verbose: true }).compile(schema);
  }
  return compiledSchema;
}

function describeSchemaError(error: ErrorObject): string {
  const path = pointerToPath(error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `${path}: unknown property '${String(params.additionalProperty)}'`;
    case 'required':
      return `${childPath(path, String(params.missingProperty))}: is required`;
    case 'enum':
      return `${path}: ${JSON.stringify(error.data)} is not allowed; must be one of ${JSON.stringify(params.allowedValues)}`;
    case 'const':
      return `${path}: ${JSON.stringify(error.data)} is not allowed; must be ${JSON.stringify(params.allowedValue)}`;
    case 'false schema':
      return `${path}: not allowed for this kind of space`;
    default:
      return `${path}: ${error.message ?? error.keyword}`;
  }
}

/** Checks the schema cannot express: the cell shape must be realisable. */
function semanticProblems(space: SearchSpace): string[] {
  const problems: string[] = [];
  if (space.kind === 'darts') {
    const { inputStates, edgesPerNode, distinctInputs } = space.cell;
    if (distinctInputs && edgesPerNode > inputStates) {
      problems.push(
        `cell.edgesPerNode: ${edgesPerNode} edges cannot read distinct states at node 0 (only ${inputStates} earlier states)`,
      );
    }
    space.reductionAt.forEach((fraction, index) => {
      const [p, q] = fraction.split('/').map(Number) as [number, number];
      if (p >= q) problems.push(`reductionAt[${index}]: '${fraction}' must be below 1`);
    });
  }
  return problems;
}

/**
 * Problems of a parsed search-space JSON, each naming its JSON path (e.g. "cell.edgesPerNode: must
 * be integer"). Empty when the space is valid.
 */
export function validateSpace(candidate: unknown): string[] {
  const validate = schemaValidator();
  if (!validate(candidate)) {
    // 'if' errors only repeat the failing 'then' errors.
    return (validate.errors ?? []).filter((e) => e.keyword !== 'if').map(describeSchemaError);
  }
  return semanticProblems(candidate as SearchSpace);
}

/** Validates parsed JSON as a search space; throws with every problem listed. */
export function parseSpace(candidate: unknown, source = 'search space'): SearchSpace {
  const problems = validateSpace(candidate);
  if (problems.length > 0) {
    throw new Error(`invalid search space ${source}:\n  - ${problems.join('\n  - ')}`);
  }
  const space = structuredClone(candidate) as SearchSpace & { $schema?: string };
  delete space.$schema;
  return space;
}

/** Names of the spaces shipped in search-spaces/. */
export function listSpaces(): string[] {
  return readdirSync(searchSpacesDir())
    .filter((file) => file.endsWith('.json') && file !== 'space.schema.json')
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/** Loads a shipped space by name ("darts", "nb201") or any space JSON by path, and validates it. */
export function loadSpace(nameOrPath: string): SearchSpace {
  const file = looksLikePath(nameOrPath) ? resolve(nameOrPath) : join(searchSpacesDir(), `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new Error(`unknown search space '${nameOrPath}' (shipped: ${listSpaces().join(', ')}; or give a path to a .json file)`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`search space ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return parseSpace(parsed, file);
}
