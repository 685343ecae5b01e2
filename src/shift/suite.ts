/** Loading and validating corruption suites (corruptions/cifar10-c.json against suite.schema.json). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { kindImplementation } from './registry.js';
import type { CorruptionSuite, KindSpec } from './types.js';
import { PACKAGE_ROOT } from '../version.js';

interface SuiteFile {
  name: string;
  suites: Record<string, string[]>;
  kinds: Record<string, KindSpec>;
}

/** The package's corruptions/ folder. */
export function corruptionsDir(): string {
  return join(PACKAGE_ROOT, 'corruptions');
}

export const DEFAULT_SUITE_FILE = 'cifar10-c.json';

let validator: ValidateFunction | undefined;

function validateSuiteFile(value: unknown, source: string): SuiteFile {
  validator ??= new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(corruptionsDir(), 'suite.schema.json'), 'utf8')));
  if (!validator(value)) {
    const problems = (validator.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`).join('; ');
    throw new Error(`invalid corruption suite ${source}: ${problems}`);
  }
  const file = value as SuiteFile;
  for (const [suiteName, members] of Object.entries(file.suites)) {
    for (const kind of members) {
      if (!Object.hasOwn(file.kinds, kind)) throw new Error(`invalid corruption suite ${source}: suite "${suiteName}" lists "${kind}", which has no parameters`);
    }
  }
  for (const [kind, spec] of Object.entries(file.kinds)) {
    const { params } = kindImplementation(kind);
    spec.severities.forEach((entry, index) => {
      const missing = params.filter((name) => !Object.hasOwn(entry, name));
      if (missing.length > 0) throw new Error(`invalid corruption suite ${source}: ${kind} severity ${index + 1} lacks ${missing.join(', ')}`);
    });
  }
  return file;
}

const fileCache = new Map<string, SuiteFile>();

function readSuiteFile(path: string): SuiteFile {
  let file = fileCache.get(path);
  if (!file) {
    file = validateSuiteFile(JSON.parse(readFileSync(path, 'utf8')) as unknown, path);
    fileCache.set(path, file);
  }
  return file;
}

function suiteFrom(file: SuiteFile, members: string[], name: string): CorruptionSuite {
  return { name, kinds: [...members], specs: file.kinds };
}

/**
 * 'test' (the 15 CIFAR-10-C kinds) or 'validation' (speckle_noise, gaussian_blur, spatter,
 * saturate) from corruptions/cifar10-c.json; or a path to a suite file, optionally `path#suite`
 * to pick one of its suites (a bare path gives every kind the file defines).
 */
export function loadSuite(name: 'test' | 'validation' | (string & {})): CorruptionSuite {
  const defaultFile = readSuiteFile(join(corruptionsDir(), DEFAULT_SUITE_FILE));
  if (Object.hasOwn(defaultFile.suites, name)) return suiteFrom(defaultFile, defaultFile.suites[name]!, name);
  const [path, suiteName] = name.split('#') as [string, string | undefined];
  if (!existsSync(path)) {
    throw new Error(`unknown corruption suite "${name}": not one of ${Object.keys(defaultFile.suites).join(', ')} and not a file`);
  }
  const file = readSuiteFile(path);
  if (suiteName === undefined) return suiteFrom(file, Object.keys(file.kinds), file.name);
  if (!Object.hasOwn(file.suites, suiteName)) throw new Error(`suite file ${path} has no suite "${suiteName}"`);
  return suiteFrom(file, file.suites[suiteName]!, `${file.name}#${suiteName}`);
}

/** Every kind of the default file (both suites), for callers that pass kind names only. */
export function defaultSpecs(): Readonly<Record<string, KindSpec>> {
  return readSuiteFile(join(corruptionsDir(), DEFAULT_SUITE_FILE)).kinds;
}
