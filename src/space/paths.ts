import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cachedRoot: string | undefined;

/**
 * The directory holding the shipped search spaces. Found by walking up from this file, because the
 * depth differs between running from src/ (tsx) and from dist/src/ (compiled).
 */
export function searchSpacesDir(): string {
  if (cachedRoot === undefined) {
    let dir = dirname(fileURLToPath(import.meta.url));
    while (!existsSync(join(dir, 'search-spaces', 'space.schema.json'))) {
      const parent = dirname(dir);
      if (parent === dir) throw new Error('cannot find the search-spaces/ directory of the nes package');
      dir = parent;
    }
    cachedRoot = join(dir, 'search-spaces');
  }
  return cachedRoot;
}

/** True when `nameOrPath` should be read as a file path rather than a shipped name. */
export function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
}
