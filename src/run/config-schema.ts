import { SELECTION_METHODS } from '../ensemble/select.js';
import { ENGINE_CHOICES } from '../util/engine-names.js';
import { PROMOTION_RULES } from '../optimizers/promotion.js';

/**
 * JSON Schema of a search config. ajv fills the defaults, so a resolved config (written to
 * runs/<id>/config.json) always names every setting that was in force.
 */
export const METHODS = ['rs', 're', 'deepens', 'deepens-rs', 'deepens-es', 'rs-sh', 're-sh'] as const;
/** The multi-fidelity methods: NES-RS and NES-RE over the fidelity ladder. */
export const MULTI_FIDELITY_METHODS = ['rs-sh', 're-sh'] as const;

const positiveInt = { type: 'integer', minimum: 1 } as const;
/** A .npy data split: uint8 images (N,H,W) or (N,H,W,C) and integer labels (N,). */
const npyPair = {
  type: 'object',
  additionalProperties: false,
  required: ['images', 'labels'],
  properties: { images: { type: 'string', minLength: 1 }, labels: { type: 'string', minLength: 1 } },
} as const;

export const configSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    $schema: { type: 'string' },
    seed: { type: 'integer', minimum: 0, default: 0 },
    methods: {
      type: 'array',
      items: { enum: [...METHODS] },
      minItems: 1,
      uniqueItems: true,
      default: ['rs'],
    },
    budget: { ...positiveInt, default: 400, description: 'networks trained per method (K)' },
    ensembleSizes: {
      type: 'array',
      items: positiveInt,
      minItems: 1,
      uniqueItems: true,
      default: [3, 5, 10],
    },
    space: { type: 'string', minLength: 1, default: 'darts' },
    macro: {
      type: 'object',
      additionalProperties: false,
      // Bounds far above any published setting (DARTS on ImageNet: 14 cells, 48 channels) and
      // below sizes whose buffers cannot be allocated (issue 19, item 8: channels 1e9 failed every trial).
      properties: {
        cells: { ...positiveInt, maximum: 64 },
        channels: { ...positiveInt, maximum: 1024 },
        stemMultiplier: { ...positiveInt, maximum: 16 },
      },
      default: {},
    },
    dataset: {
      type: 'object',
      additionalProperties: false,
      properties: {
        name: { enum: ['fashion-mnist', 'cifar10', 'cifar100', 'npy'], default: 'fashion-mnist' },
        dataDir: { type: 'string', minLength: 1, description: 'fashion-mnist, cifar10, cifar100: folder of the official files' },
        labels: { enum: ['fine', 'coarse'], description: 'cifar100: fine (100 classes; default) or coarse (20 superclasses) labels' },
        trainLimit: positiveInt,
        train: npyPair,
        validation: npyPair,
        test: npyPair,
        validationCount: positiveInt,
        classNames: { type: 'array', items: { type: 'string' }, minItems: 2 },
      },
      default: {},
    },
    training: {
      type: 'object',
      additionalProperties: false,
      properties: {
        epochs: { ...positiveInt, default: 15 },
        batchSize: { ...positiveInt, default: 100 },
        learningRate: { type: 'number', exclusiveMinimum: 0, default: 0.025 },
        momentum: { type: 'number', minimum: 0, maximum: 1, default: 0.9 },
        weightDecay: { type: 'number', minimum: 0, default: 3e-4 },
        gradientClip: { type: 'number', exclusiveMinimum: 0, default: 5 },
      },
      default: {},
    },
    re: {
      type: 'object',
      additionalProperties: false,
      properties: {
        population: { ...positiveInt, default: 50 },
        parents: { ...positiveInt, default: 10 },
        severities: {
          type: 'array',
          items: { type: 'integer', minimum: 0, maximum: 5 },
          minItems: 1,
          default: [0],
        },
      },
      default: {},
    },
    fidelity: {
      type: 'object',
      additionalProperties: false,
      description: 'rs-sh and re-sh: the fidelity ladder and how its rungs promote',
      properties: {
        epochs: {
          type: 'array',
          items: positiveInt,
          minItems: 2,
          description: 'epochs trained at each rung, increasing, the last one training.epochs; default: training.epochs divided by eta while at least 1 (15, eta 3: [2, 5, 15])',
        },
        eta: { type: 'number', exclusiveMinimum: 1, default: 3 },
        promotion: { enum: [...PROMOTION_RULES], default: 'ensemble' },
      },
      default: {},
    },
    deepens: {
      type: 'object',
      additionalProperties: false,
      properties: { genotype: { type: 'string', minLength: 1, default: 'darts-v2' } },
      default: {},
    },
    selection: {
      type: 'object',
      additionalProperties: false,
      properties: {
        method: { enum: [...SELECTION_METHODS], default: 'forward' },
        beam: { ...positiveInt, default: 1 },
      },
      default: {},
    },
    shift: {
      type: 'object',
      additionalProperties: false,
      properties: {
        severities: {
          type: 'array',
          items: { type: 'integer', minimum: 0, maximum: 5 },
          minItems: 1,
          uniqueItems: true,
          default: [0, 1, 2, 3, 4, 5],
          description: 'severities of validation and test data every member predicts; 0 = clean, must be listed',
        },
        validationSuite: { type: 'string', minLength: 1, default: 'validation' },
        // No schema default: a resolved config names exactly one test-shift source (see resolveConfig).
        testSuite: { type: 'string', minLength: 1, description: 'corruptions generated for the test shift; default "test"' },
        testDataDir: {
          type: 'string',
          minLength: 1,
          description: 'folder of the CIFAR-10-C / CIFAR-100-C release: the test shift is read from it instead of generated',
        },
      },
      default: {},
    },
    evaluation: {
      type: 'object',
      additionalProperties: false,
      properties: {
        eceBins: { type: 'integer', minimum: 1, default: 15 },
        anytimeStep: { ...positiveInt, default: 25 },
      },
      default: {},
    },
    execution: {
      type: 'object',
      additionalProperties: false,
      properties: {
        engine: { enum: [...ENGINE_CHOICES], default: 'auto' },
        executor: { enum: ['local', 'redis'], default: 'local' },
        redis: { type: 'string', pattern: '^rediss?://', description: 'redis:// or rediss:// URL of the queue (executor "redis")' },
        workers: { ...positiveInt, description: 'default: one per CPU core' },
        workerHeapMb: { type: 'integer', minimum: 64, description: 'JavaScript heap limit per local worker thread (MiB)' },
        maxAttempts: { ...positiveInt, default: 2 },
        taskTimeoutSeconds: { type: 'number', exclusiveMinimum: 0, default: 86400 },
        timeLimitSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          description: 'no training starts after this many seconds of each nes search invocation; the run then finishes with what it has (resumable)',
        },
        redisTimeoutSeconds: {
          type: 'number',
          exclusiveMinimum: 0,
          default: 60,
          description: 'executor "redis": stop the search (resumable) when Redis does not answer for this long',
        },
      },
      default: {},
    },
  },
} as const;
