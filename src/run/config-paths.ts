/**
 * Paths in a config file are relative to that file, as in tsconfig or a docker-compose file: a
 * config that names `x_train.npy` next to it works from any folder (issue 20, item 3). They are
 * made absolute before the config is resolved, so the run's config.json holds absolute paths and
 * `--resume` works from anywhere.
 */
import { isAbsolute, resolve } from 'node:path';
import { looksLikePath } from '../space/paths.js';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A copy of `raw` (an unresolved config) with its file paths made absolute against `baseDir`. */
export function resolveConfigPaths(raw: unknown, baseDir: string): unknown {
  if (!isObject(raw)) return raw;
  const config = structuredClone(raw);
  const absolute = (value: unknown) => (typeof value === 'string' && value !== '' && !isAbsolute(value) ? resolve(baseDir, value) : value);
  // Names of shipped spaces and genotypes ("darts", "darts-v2") are not paths.
  const absoluteIfPath = (value: unknown) => (typeof value === 'string' && looksLikePath(value) ? absolute(value) : value);

  if ('space' in config) config.space = absoluteIfPath(config.space);
  if (isObject(config.deepens) && 'genotype' in config.deepens) config.deepens.genotype = absoluteIfPath(config.deepens.genotype);
  if (isObject(config.shift) && 'testDataDir' in config.shift) config.shift.testDataDir = absolute(config.shift.testDataDir);
  if (isObject(config.dataset)) {
    const dataset = config.dataset;
    if ('dataDir' in dataset) dataset.dataDir = absolute(dataset.dataDir);
    for (const split of ['train', 'validation', 'test']) {
      const pair = dataset[split];
      if (!isObject(pair)) continue;
      for (const key of ['images', 'labels']) if (key in pair) pair[key] = absolute(pair[key]);
    }
  }
  return config;
}
