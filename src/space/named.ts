import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadSpace } from './load.js';
import { looksLikePath, searchSpacesDir } from './paths.js';
import type { Genotype, SearchSpace } from './types.js';
import { assertValidGenotype } from './validate.js';

function genotypesDir(): string {
  return join(searchSpacesDir(), 'genotypes');
}

/** Names of the genotypes shipped in search-spaces/genotypes/ (e.g. "darts-v2"). */
export function listNamedGenotypes(): string[] {
  return readdirSync(genotypesDir())
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

/**
 * Loads a shipped genotype by name ("darts-v2") or a genotype JSON by path, validated against
 * `space` (default: the shipped space of its kind).
 */
export function loadNamedGenotype(nameOrPath: string, space?: SearchSpace): Genotype {
  const file = looksLikePath(nameOrPath) ? resolve(nameOrPath) : join(genotypesDir(), `${nameOrPath}.json`);
  if (!existsSync(file)) {
    throw new Error(`unknown genotype '${nameOrPath}' (shipped: ${listNamedGenotypes().join(', ')}; or give a path to a .json file)`);
  }
  let genotype: unknown;
  try {
    genotype = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`genotype ${file}: not valid JSON (${(error as Error).message})`);
  }
  const kind = (genotype as { space?: unknown } | null)?.space;
  if (space === undefined) {
    if (kind !== 'darts' && kind !== 'nb201') throw new Error(`genotype ${file}: space: must be "darts" or "nb201"`);
    space = loadSpace(kind);
  }
  assertValidGenotype(space, genotype, `genotype ${file}`);
  return genotype;
}
