import { FixedArchitecture, RandomSearch, RegularizedEvolution, type Optimizer } from '../optimizers/index.js';
import type { Method, NesConfig } from '../run/config.js';
import type { Genotype, SearchSpace } from '../space/types.js';
import type { ConfigInputs } from './config-inputs.js';
import type { MethodPool } from './pool.js';
import { NesInputError } from '../util/errors.js';

/**
 * How each method builds its pool and picks its ensembles:
 * - rs / re: NES-RS and NES-RE, `budget` networks, ensembles chosen by the configured selection;
 * - deepens: the configured fixed genotype (DARTS-V2 by default) × max(M) seeds, ensemble = first M;
 * - deepens-rs: the best single architecture of NES-RS (validation NLL) × max(M) seeds, first M;
 * - deepens-es: that same architecture (or the fixed genotype without rs) × `budget` seeds,
 *   ensembles chosen by the configured selection among the seeds.
 * Growing a study (a resume with a larger budget) grows rs, re and deepens-es, whose counts are
 * the budget; deepens and deepens-rs stay at max(M). A DeepEns method that has trained before
 * keeps the architecture it trained (`pinned`, from the journal), even when a grown NES-RS pool
 * now has a better one: its seeds must all be of one architecture.
 */
export interface MethodPlan {
  optimizer: Optimizer;
  networks: number;
  /** 'first' = the first M members in training order (no selection). */
  selection: 'first' | 'configured';
}

/** How many networks `method` trains under `config`. */
export function methodNetworks(method: Method, config: NesConfig): number {
  return method === 'deepens' || method === 'deepens-rs' ? Math.max(...config.ensembleSizes) : config.budget;
}

export function planMethod(method: Method, config: NesConfig, inputs: ConfigInputs, earlier: MethodPool[], pinned?: Genotype): MethodPlan {
  const { space } = inputs;
  const seed = `${config.seed}:${method}`;
  const largestEnsemble = methodNetworks('deepens', config);
  switch (method) {
    case 'rs':
      return { optimizer: new RandomSearch({ space, budget: config.budget, seed }), networks: config.budget, selection: 'configured' };
    case 're':
      return {
        optimizer: new RegularizedEvolution({
          space,
          budget: config.budget,
          seed,
          populationSize: config.re.population,
          parentCandidates: config.re.parents,
          severities: config.re.severities,
        }),
        networks: config.budget,
        selection: 'configured',
      };
    case 'deepens': {
      return fixed(inputs.fixedGenotype!, largestEnsemble, seed, space, 'first');
    }
    case 'deepens-rs':
      return fixed(pinned ?? bestRandomSearchArchitecture(earlier, method), largestEnsemble, seed, space, 'first');
    case 'deepens-es': {
      const rs = earlier.find((pool) => pool.method === 'rs');
      const genotype = pinned ?? (rs ? bestRandomSearchArchitecture(earlier, method) : inputs.fixedGenotype!);
      return fixed(genotype, config.budget, seed, space, 'configured');
    }
  }
}

function fixed(genotype: Genotype, count: number, seed: string, space: SearchSpace, selection: MethodPlan['selection']): MethodPlan {
  return { optimizer: new FixedArchitecture({ genotype, count, seed, space }), networks: count, selection };
}

/** The architecture of the NES-RS member with the lowest validation NLL. */
function bestRandomSearchArchitecture(earlier: MethodPool[], method: Method): Genotype {
  const rs = earlier.find((pool) => pool.method === 'rs');
  if (!rs || rs.members.length === 0) {
    throw new NesInputError(`method ${method} needs a finished NES-RS pool: list "rs" before it in methods`);
  }
  return rs.members.reduce((best, member) => (member.validationNll < best.validationNll ? member : best)).genotype;
}
