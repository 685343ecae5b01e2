import { join } from 'node:path';
import { PACKAGE_ROOT } from '../version.js';

/** The folder of the shipped search spaces. */
export function searchSpacesDir(): string {
  return join(PACKAGE_ROOT, 'search-spaces');
}

/** True when `nameOrPath` should be read as a file path rather than a shipped name. */
export function looksLikePath(nameOrPath: string): boolean {
  return nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
}
