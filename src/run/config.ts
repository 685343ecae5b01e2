import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';
import { cifarNotEmbedded } from '../data/cifar.js';
import type { DatasetConfig } from '../data/configured-dataset.js';
import type { EngineChoice } from '../util/engine-names.js';
import type { SelectionMethod } from '../ensemble/select.js';
import { configSchema, MULTI_FIDELITY_METHODS, type METHODS } from './config-schema.js';
import { defaultLadder, type PromotionRule } from '../optimizers/promotion.js';
import type { Expect, MergedUnion, Mismatch, ResolvedBySchema } from './schema-types.js';
import { NesInputError } from '../util/errors.js';

export type Method = (typeof METHODS)[number];

/**
 * A resolved config: what config.json holds. The compiler checks it against the JSON schema
 * (config-schema.ts) below, so the two cannot drift apart.
 */
export interface NesConfig {
  seed: number;
  methods: Method[];
  budget: number;
  ensembleSizes: number[];
  space: string;
  macro: { cells?: number; channels?: number; stemMultiplier?: number };
  dataset: DatasetConfig;
  training: {
    epochs: number;
    batchSize: number;
    learningRate: number;
    momentum: number;
    weightDecay: number;
    gradientClip: number;
  };
  re: { population: number; parents: number; severities: number[] };
  /**
   * Multi-fidelity methods (rs-sh, re-sh): epochs per rung, ending at training.epochs (filled in
   * when one of them is configured), the reduction factor and the promotion rule.
   */
  fidelity: { epochs?: number[]; eta: number; promotion: PromotionRule };
  deepens: { genotype: string };
  selection: { method: SelectionMethod; beam: number };
  /**
   * Test shift from one source: `testSuite` (corruptions generated, default "test") or
   * `testDataDir` (the released CIFAR-10-C / CIFAR-100-C sets); a resolved config has exactly one.
   */
  shift: { severities: number[]; validationSuite: string; testSuite?: string; testDataDir?: string };
  evaluation: { eceBins: number; anytimeStep: number };
  execution: {
    engine: EngineChoice;
    executor: 'local' | 'redis';
    redis?: string;
    workers?: number;
    workerHeapMb?: number;
    maxAttempts: number;
    taskTimeoutSeconds: number;
    /** Executor "redis": how long Redis may not answer before the search stops (resumable). */
    redisTimeoutSeconds: number;
    /**
     * No training starts once this many seconds of one `nes search` invocation (a start or a
     * resume) have passed; trainings in flight finish and the run ends with what it has.
     */
    timeLimitSeconds?: number;
  };
}

/** A config that failed validation: one line per problem, each naming the JSON path. */
export class ConfigError extends NesInputError {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ConfigError';
  }
}

/** What the schema guarantees once ajv filled its defaults; dataset is still flat (see below). */
export type SchemaConfig = ResolvedBySchema<typeof configSchema>;

/**
 * NesConfig and the schema describe the same settings: same names, same optionality (a setting
 * with a schema default is always present), same value types and enums. A difference fails to
 * compile here, naming its JSON path. The dataset is a union in NesConfig and one flat object
 * in the schema (its variants are told apart by resolveConfig's checks, whose messages the
 * schema's oneOf errors could not match), so the schema is compared with the union merged.
 */
export type ConfigSchemaMismatch = Mismatch<
  Omit<SchemaConfig, '$schema'>,
  Omit<NesConfig, 'dataset'> & { dataset: MergedUnion<DatasetConfig> }
>;
type _NesConfigMatchesSchema = Expect<ConfigSchemaMismatch>;

const ajv = new Ajv({ allErrors: true, verbose: true, useDefaults: true, strict: true, strictTuples: false });
const validate = ajv.compile<SchemaConfig>(configSchema);

/** Validates `raw` (a parsed JSON value), fills defaults and checks cross-field rules. */
export function resolveConfig(raw: unknown): NesConfig {
  const config = structuredClone(raw ?? {});
  const sizesGiven = typeof config === 'object' && config !== null && 'ensembleSizes' in config;
  if (!validate(config)) throw new ConfigError((validate.errors ?? []).map(describeError));
  const resolved = config;
  const problems: string[] = [];
  // The default sizes [3, 5, 10] follow a small budget down (issue 20, item 11): sizes the user
  // chose are kept, and refused below when too large.
  if (!sizesGiven) {
    const fitting = resolved.ensembleSizes.filter((size) => size <= resolved.budget);
    resolved.ensembleSizes = fitting.length > 0 ? fitting : [resolved.budget];
  }
  const largest = Math.max(...resolved.ensembleSizes);
  if (largest > resolved.budget) {
    problems.push(
      `/ensembleSizes: ensemble size ${largest} is larger than the budget of ${resolved.budget} networks; use sizes ≤ budget (--sizes) or raise the budget (--budget)`,
    );
  }
  // With P ≥ K, NES-RE never gets past its random initial population (issue 20, item 10).
  if (resolved.methods.includes('re') && resolved.re.population >= resolved.budget) {
    problems.push(
      `/re/population: a population of ${resolved.re.population} leaves no network of the budget (${resolved.budget}) to evolution, so "re" would be random search; ` +
        `set "re": { "population": P } with P < budget (and "parents" ≤ P), or raise the budget`,
    );
  }
  if (resolved.methods.some((method) => method === 're' || method === 're-sh') && resolved.re.parents > resolved.re.population) {
    problems.push(
      `/re/parents: ${resolved.re.parents} parent candidates cannot be chosen from a population of ${resolved.re.population}; use parents ≤ population`,
    );
  }
  const dataset = resolved.dataset;
  if (dataset.name === 'npy') {
    for (const key of ['train', 'test'] as const) if (!dataset[key]) problems.push(`/dataset/${key}: required for "npy" data: { "images": "X.npy", "labels": "Y.npy" }`);
    if (dataset.dataDir) problems.push('/dataset/dataDir: only for "fashion-mnist", "cifar10" and "cifar100"; give train/validation/test .npy files instead');
  } else {
    for (const key of ['train', 'validation', 'test', 'validationCount', 'classNames'] as const) {
      if (dataset[key] !== undefined) problems.push(`/dataset/${key}: only for "npy" data; set "name": "npy" or remove it`);
    }
  }
  if (dataset.name === 'cifar10' || dataset.name === 'cifar100') {
    if (!dataset.dataDir) problems.push(`/dataset/dataDir: ${cifarNotEmbedded(dataset.name)}`);
  }
  if (dataset.name === 'cifar100') dataset.labels ??= 'fine';
  else if (dataset.labels !== undefined) problems.push('/dataset/labels: only for "cifar100" (its "fine" or "coarse" labels); remove it');
  if (resolved.shift.testDataDir === undefined) resolved.shift.testSuite ??= 'test';
  else if (resolved.shift.testSuite !== undefined) {
    problems.push(
      '/shift/testSuite: the test shift comes either from generated corruptions (testSuite) or from the released corrupted test sets (testDataDir); remove one',
    );
  }
  if (!resolved.shift.severities.includes(0)) {
    problems.push('/shift/severities: must include 0 (clean data), e.g. [0, 1, 2, 3, 4, 5]');
  }
  problems.push(...resolveLadder(resolved));
  const missing = resolved.re.severities.filter((s) => !resolved.shift.severities.includes(s));
  if (resolved.methods.some((method) => method === 're' || method === 're-sh') && missing.length > 0) {
    problems.push(`/re/severities: ${missing.join(', ')} not in /shift/severities; NES-RE selects parents on predictions at those severities`);
  }
  if (resolved.execution.executor === 'redis' && !resolved.execution.redis) {
    problems.push('/execution/redis: executor "redis" needs the queue URL, e.g. "redis://127.0.0.1:6379" (or --redis URL)');
  }
  const rsIndex = resolved.methods.indexOf('rs');
  if (resolved.methods.includes('deepens-rs') && (rsIndex < 0 || rsIndex > resolved.methods.indexOf('deepens-rs'))) {
    problems.push('/methods: "deepens-rs" uses the best architecture of NES-RS; list "rs" before it');
  }
  if (problems.length > 0) throw new ConfigError(problems);
  // The checks above hold the dataset to one variant of DatasetConfig.
  return { ...resolved, dataset: dataset as DatasetConfig };
}

/** Fills in the default fidelity ladder when a multi-fidelity method runs, and checks it. */
function resolveLadder(config: Pick<NesConfig, 'methods' | 'training' | 'fidelity'>): string[] {
  if (!config.methods.some((method) => (MULTI_FIDELITY_METHODS as readonly string[]).includes(method))) return [];
  const { fidelity, training } = config;
  if (fidelity.epochs === undefined) {
    const ladder = defaultLadder(training.epochs, fidelity.eta);
    if (ladder.length < 2) {
      return [`/training/epochs: ${training.epochs} epochs are too few for rungs a factor eta = ${fidelity.eta} apart; train for at least ${Math.ceil(fidelity.eta)} epochs, or give "fidelity": { "epochs": [...] }`];
    }
    fidelity.epochs = ladder;
    return [];
  }
  const epochs = fidelity.epochs;
  const problems: string[] = [];
  const suggested = defaultLadder(training.epochs, fidelity.eta);
  const example = `e.g. [${(suggested.length >= 2 ? suggested : [1, training.epochs]).join(', ')}]`;
  if (epochs.some((value, index) => index > 0 && value <= epochs[index - 1]!)) problems.push(`/fidelity/epochs: [${epochs.join(', ')}] must increase; ${example}`);
  if (epochs.at(-1) !== training.epochs) {
    problems.push(`/fidelity/epochs: the last rung is the full schedule, training.epochs = ${training.epochs}, not ${epochs.at(-1)}; ${example}`);
  }
  return problems;
}

export function readConfigFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new ConfigError([`${path}: cannot read the config file; expected a JSON file`]);
  }
  const depth = nestingDepth(text);
  if (depth > MAX_CONFIG_DEPTH) {
    throw new ConfigError([`${path}: JSON nested ${depth} levels deep; a config is at most ${MAX_CONFIG_DEPTH} levels deep`]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError([`${path}: not valid JSON (${(error as Error).message})`]);
  }
  // null or [] would otherwise pass as "no settings" and start a 400-network search (issue 19, item 6).
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`${path}: a config is a JSON object ({ … }), got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`]);
  }
  return value;
}

/** Deep nesting overflows the stack of whatever walks the value next (issue 19, item 7); no config needs it. */
const MAX_CONFIG_DEPTH = 32;

/** Deepest [ / { nesting of JSON text, outside strings. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') deepest = Math.max(deepest, ++depth);
    else if (c === ']' || c === '}') depth--;
  }
  return deepest;
}

function describeError(error: ErrorObject): string {
  const path = error.instancePath || '/';
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys(schemaAt(error.schemaPath)?.properties ?? {}).filter((k) => k !== '$schema');
      return `${path}: unknown key "${String(params.additionalProperty)}"; allowed keys: ${allowed.join(', ')}`;
    }
    case 'enum':
      return `${path}: ${JSON.stringify(error.data)} is not allowed; use one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'type':
      return `${path}: expected ${String(params.type)}, got ${JSON.stringify(error.data)}`;
    default:
      return `${path}: ${error.message ?? 'invalid'}${error.data === undefined ? '' : `, got ${JSON.stringify(error.data)}`}`;
  }
}

/** The schema object an ajv schemaPath like "#/properties/training/additionalProperties" points into. */
function schemaAt(schemaPath: string): { properties?: Record<string, unknown> } | undefined {
  const parts = schemaPath.replace(/^#\/?/, '').split('/').slice(0, -1);
  let node: unknown = configSchema;
  for (const part of parts) node = (node as Record<string, unknown> | undefined)?.[part];
  return node as { properties?: Record<string, unknown> } | undefined;
}
