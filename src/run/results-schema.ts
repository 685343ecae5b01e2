/**
 * The shape of runs/<id>/results.json that report, export and compare read. A file of another
 * shape (edited, from a foreign tool, cut short) is refused with the paths at fault instead of
 * failing deep inside with "Cannot read properties of undefined" (issue 19, item 10). Fields
 * nothing reads are not checked, and extra fields are allowed (newer versions add some).
 */
import { Ajv, type ErrorObject } from 'ajv';

const number = { type: 'number' } as const;
const integer = { type: 'integer' } as const;
const metrics = { type: 'object', required: ['nll', 'error', 'ece', 'brier'], properties: { nll: number, error: number, ece: number, brier: number } } as const;
const ensemble = {
  type: 'object',
  required: ['method', 'size', 'severity', 'selectedOnSeverity', 'selection', 'members', 'weights', 'validation', 'test'],
  properties: {
    method: { type: 'string' },
    size: integer,
    severity: integer,
    selectedOnSeverity: integer,
    selection: { type: 'string' },
    members: { type: 'array', items: integer },
    weights: { type: 'array', items: number },
    validation: metrics,
    test: { ...metrics, required: [...metrics.required, 'oracleNll', 'disagreement'] },
  },
} as const;
const member = {
  type: 'object',
  required: ['trialId', 'genotypeId', 'genotype', 'seed', 'validation', 'test', 'testBySeverity'],
  properties: { trialId: integer, genotypeId: { type: 'string' }, genotype: { type: 'object' }, seed: integer, validation: metrics, test: metrics, testBySeverity: { type: 'object', additionalProperties: metrics } },
} as const;

const resultsSchema = {
  type: 'object',
  required: ['run', 'nesVersion', 'engine', 'workers', 'seconds', 'dataset', 'macro', 'training', 'table', 'methods'],
  properties: {
    run: { type: 'string' },
    nesVersion: { type: 'string' },
    engine: { type: 'string' },
    workers: integer,
    seconds: number,
    dataset: {
      type: 'object',
      required: ['name', 'train', 'validation', 'test', 'numClasses', 'classNames', 'inputShape', 'normalization'],
      properties: {
        name: { type: 'string' },
        train: integer,
        validation: integer,
        test: integer,
        numClasses: integer,
        classNames: { type: 'array', items: { type: 'string' } },
        inputShape: { type: 'array', items: integer, minItems: 3, maxItems: 3 },
        normalization: { type: 'object', required: ['mean', 'std'], properties: { mean: { type: 'array', items: number }, std: { type: 'array', items: number } } },
      },
    },
    macro: { type: 'object', required: ['cells', 'channels'], properties: { cells: integer, channels: integer } },
    training: { type: 'object', required: ['epochs', 'batchSize'] },
    table: { type: 'array' },
    methods: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        required: ['pool', 'failed', 'bestMember', 'ensembles', 'cleanSelection', 'anytime'],
        properties: {
          pool: { type: 'array', items: member },
          failed: { type: 'array' },
          bestMember: { anyOf: [{ type: 'null' }, { type: 'object', required: ['trialId', 'validation', 'test', 'testBySeverity'] }] },
          ensembles: { type: 'array', items: ensemble },
          cleanSelection: { type: 'array', items: ensemble },
          anytime: { type: 'array', items: { type: 'object', required: ['networks', 'size', 'testNll', 'testError', 'testEce'] } },
        },
      },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(resultsSchema);

/** Problems with a parsed results.json, at most `limit` of them, each "<JSON path>: <what>". */
export function resultsProblems(value: unknown, limit = 3): string[] {
  if (validate(value)) return [];
  return (validate.errors ?? []).slice(0, limit).map((e: ErrorObject) => `${e.instancePath || '/'}: ${e.message ?? e.keyword}`);
}
