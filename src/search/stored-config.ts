import type { NesConfig } from '../run/config.js';
import { resolveMacro } from '../space/macro.js';
import type { SearchSpace } from '../space/types.js';

/**
 * The config as a run's config.json holds it: the resolved config with the macro the networks are
 * built with (from the space's presets when the config leaves it out). execution.workers stays as
 * given: left out, it follows the machine (one per core), also when a run resumes elsewhere.
 */
export function storedRunConfig(config: NesConfig, space: SearchSpace): NesConfig {
  return { ...config, macro: resolveMacro(space, config.dataset.name, config.macro) };
}
