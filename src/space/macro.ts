import type { MacroConfig, SearchSpace } from './types.js';

/**
 * The network around the cells: each setting from the config if it sets it, else from the space's
 * preset named like the data set (darts: "cifar10" and "cifar100" are the paper's 8 cells × 16
 * channels, "fashion-mnist" 5 × 8), else from the space's default `macro`.
 */
export function resolveMacro(space: SearchSpace, datasetName: string, configured: Partial<MacroConfig>): MacroConfig {
  const preset = Object.hasOwn(space.presets ?? {}, datasetName) ? space.presets![datasetName] : undefined;
  return { ...space.macro, ...preset, ...configured };
}
