import { ConfigError, type NesConfig } from '../run/config.js';
import { checkReleasedFolder, loadSuite, releasedTestKinds } from '../shift/index.js';
import { loadNamedGenotype } from '../space/named.js';
import { loadSpace } from '../space/load.js';
import type { Genotype, SearchSpace } from '../space/types.js';

export interface ConfigInputs {
  space: SearchSpace;
  /** The DeepEns genotype, when a method uses it. */
  fixedGenotype?: Genotype;
}

/**
 * Loads everything a config names (search space, fixed genotype, corruption suites, the released
 * corrupted test folder) before a run starts, so that a wrong name or a bad file is a config error
 * naming its path, not a crash later.
 */
export function loadConfigInputs(config: NesConfig): ConfigInputs {
  const problems: string[] = [];
  const attempt = <T>(path: string, load: () => T): T | undefined => {
    try {
      return load();
    } catch (error) {
      problems.push(`${path}: ${oneLine((error as Error).message)}`);
      return undefined;
    }
  };
  const space = attempt('/space', () => loadSpace(config.space));
  attempt('/shift/validationSuite', () => loadSuite(config.shift.validationSuite));
  if (config.shift.testSuite !== undefined) attempt('/shift/testSuite', () => loadSuite(config.shift.testSuite!));
  // The files only; whether they are this test set's corrupted copies is checked once it is loaded.
  const { testDataDir } = config.shift;
  if (testDataDir !== undefined) attempt('/shift/testDataDir', () => checkReleasedFolder(testDataDir, releasedTestKinds()));
  const usesFixed = config.methods.includes('deepens') || (config.methods.includes('deepens-es') && !config.methods.includes('rs'));
  const fixedGenotype = space && usesFixed ? attempt('/deepens/genotype', () => loadNamedGenotype(config.deepens.genotype, space)) : undefined;
  if (problems.length > 0) throw new ConfigError(problems);
  return { space: space!, fixedGenotype };
}

function oneLine(message: string): string {
  return message.replace(/:?\n\s*-?\s*/g, '; ').replace(/^; /, '');
}
