import { FixedArchitecture, RandomSearch, RegularizedEvolution, SuccessiveHalving, TrialIds, type Optimizer } from '../optimizers/index.js';
import type { Method, NesConfig } from '../run/config.js';
import { fidelityLadder, plannedEpochs, plannedNetworks } from '../run/method-rules.js';
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
 *   ensembles chosen by the configured selection among the seeds;
 * - rs-sh / re-sh: NES-RS / NES-RE over the fidelity ladder, promoting by config.fidelity.promotion,
 *   within the epochs of `budget` full trainings; ensembles chosen by the configured selection
 *   among the networks, each at the highest rung it reached.
 * Growing a study (a resume with a larger budget) grows rs, re and deepens-es, whose counts are
 * the budget; deepens and deepens-rs stay at max(M). A DeepEns method that has trained before
 * keeps the architecture it trained (`pinned`, from the journal), even when a grown NES-RS pool
 * now has a better one: its seeds must all be of one architecture.
 */
export interface MethodPlan {
  optimizer: Optimizer;
  /** Networks it trains (run/method-rules.ts plannedNetworks). */
  networks: number;
  /** Multi-fidelity methods: their count of trainings is the optimizer's to decide (plannedNetworks estimates it). */
  exactCount: boolean;
}

export function planMethod(method: Method, config: NesConfig, inputs: ConfigInputs, earlier: MethodPool[], pinned?: Genotype): MethodPlan {
  const { space } = inputs;
  const seed = `${config.seed}:${method}`;
  const networks = plannedNetworks(method, config);
  switch (method) {
    case 'rs':
      return { optimizer: new RandomSearch({ space, budget: config.budget, seed }), networks, exactCount: true };
    case 're':
      return { optimizer: evolution(config, space, seed, config.budget), networks, exactCount: true };
    case 'rs-sh':
    case 're-sh': {
      // The inner optimizer proposes networks until the epoch budget, not its own, runs out.
      const ids = new TrialIds();
      const unbounded = Number.MAX_SAFE_INTEGER;
      const inner = method === 'rs-sh' ? new RandomSearch({ space, budget: unbounded, seed, ids }) : evolution(config, space, seed, unbounded, ids);
      const optimizer = new SuccessiveHalving({ inner, ids, ladder: fidelityLadder(config), rule: config.fidelity.promotion, epochBudget: plannedEpochs(method, config) });
      return { optimizer, networks, exactCount: false };
    }
    case 'deepens': {
      return fixed(inputs.fixedGenotype!, networks, seed, space);
    }
    case 'deepens-rs':
      return fixed(pinned ?? bestRandomSearchArchitecture(earlier, method), networks, seed, space);
    case 'deepens-es': {
      const rs = earlier.find((pool) => pool.method === 'rs');
      const genotype = pinned ?? (rs ? bestRandomSearchArchitecture(earlier, method) : inputs.fixedGenotype!);
      return fixed(genotype, networks, seed, space);
    }
  }
}

function fixed(genotype: Genotype, count: number, seed: string, space: SearchSpace): MethodPlan {
  return { optimizer: new FixedArchitecture({ genotype, count, seed, space }), networks: count, exactCount: true };
}

function evolution(config: NesConfig, space: SearchSpace, seed: string, budget: number, ids?: TrialIds): RegularizedEvolution {
  return new RegularizedEvolution({
    space,
    budget,
    seed,
    populationSize: config.re.population,
    parentCandidates: config.re.parents,
    severities: config.re.severities,
    ids,
  });
}

/** The architecture of the NES-RS member with the lowest validation NLL. */
function bestRandomSearchArchitecture(earlier: MethodPool[], method: Method): Genotype {
  const rs = earlier.find((pool) => pool.method === 'rs');
  if (!rs || rs.members.length === 0) {
    throw new NesInputError(`method ${method} needs a finished NES-RS pool: list "rs" before it in methods`);
  }
  return rs.members.reduce((best, member) => (member.validationNll < best.validationNll ? member : best)).genotype;
}
