/** JSON Schema of ensemble.json and its validator: a bad file is refused with the paths at fault. */
import { Ajv, type ErrorObject } from 'ajv';
import { ENSEMBLE_CHOICES } from '../ensemble/select.js';
import { EnsembleInputError } from './errors.js';
import { EXPORT_FORMATS, MANIFEST_FORMAT, MANIFEST_FORMAT_VERSION, type ExportedManifest } from './manifest.js';

const nonNegativeInt = { type: 'integer', minimum: 0 } as const;
const positiveInt = { type: 'integer', minimum: 1 } as const;
const finite = { type: 'number' } as const;

const splitMetrics = {
  type: 'object',
  required: ['nll', 'error', 'ece', 'brier'],
  properties: { nll: finite, error: finite, ece: finite, brier: finite },
} as const;

const cellEdge = {
  type: 'object',
  additionalProperties: false,
  required: ['op', 'input'],
  properties: { op: { type: 'string', minLength: 1 }, input: nonNegativeInt },
} as const;

const dartsCell = { type: 'array', minItems: 1, items: { type: 'array', minItems: 1, items: cellEdge } } as const;

const genotype = {
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['space', 'normal', 'reduce'],
      properties: { space: { const: 'darts' }, normal: dartsCell, reduce: dartsCell },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['space', 'edges'],
      properties: { space: { const: 'nb201' }, edges: { type: 'array', minItems: 1, items: { type: 'string' } } },
    },
  ],
} as const;

// Relative, inside the folder: no absolute paths, no "..".
const relativePath = { type: 'string', pattern: '^(?!/)(?!.*(^|/)\\.\\.(/|$)).+$' } as const;

const onnxTensor = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'dtype', 'shape', 'description'],
  properties: {
    name: { type: 'string', minLength: 1 },
    dtype: { enum: ['float32', 'uint8', 'int64'] },
    shape: { type: 'array', items: { oneOf: [positiveInt, { const: 'N' }] } },
    description: { type: 'string' },
  },
} as const;

const onnxFile = {
  type: 'object',
  additionalProperties: false,
  required: ['path', 'inputs', 'outputs'],
  properties: {
    path: relativePath,
    inputs: { type: 'array', minItems: 1, items: onnxTensor },
    outputs: { type: 'array', minItems: 1, items: onnxTensor },
  },
} as const;

const perChannel = { type: 'array', minItems: 1, items: finite } as const;

export const ensembleSchema = {
  $id: 'https://nes.invalid/ensemble.schema.json',
  title: 'nes exported ensemble (ensemble.json)',
  type: 'object',
  required: [
    'format',
    'formatVersion',
    'nesVersion',
    'exportedAt',
    'source',
    'input',
    'preprocessing',
    'classNames',
    'dataset',
    'macro',
    'training',
    'metrics',
    'members',
  ],
  properties: {
    format: { const: MANIFEST_FORMAT },
    formatVersion: { const: MANIFEST_FORMAT_VERSION },
    nesVersion: { type: 'string', minLength: 1 },
    exportedAt: { type: 'string', minLength: 1 },
    formats: { type: 'array', minItems: 1, uniqueItems: true, items: { enum: EXPORT_FORMATS } },
    onnx: {
      type: 'object',
      additionalProperties: false,
      required: ['opset', 'irVersion', 'ensemble', 'members'],
      properties: { opset: positiveInt, irVersion: positiveInt, ensemble: onnxFile, members: { type: 'array', minItems: 1, items: onnxFile } },
    },
    source: {
      type: 'object',
      required: ['run', 'runNesVersion', 'method', 'selection', 'size', 'severity'],
      properties: {
        run: { type: 'string', minLength: 1 },
        runNesVersion: { type: 'string' },
        method: { type: 'string', minLength: 1 },
        selection: { enum: ENSEMBLE_CHOICES },
        size: positiveInt,
        severity: nonNegativeInt,
      },
    },
    input: {
      type: 'object',
      required: ['shape', 'layout', 'range'],
      properties: {
        shape: { type: 'array', minItems: 3, maxItems: 3, items: positiveInt },
        layout: { const: 'NHWC' },
        range: { type: 'array', minItems: 2, maxItems: 2, items: [{ const: 0 }, { const: 255 }] },
      },
    },
    preprocessing: {
      type: 'object',
      required: ['mean', 'std'],
      properties: { mean: perChannel, std: { type: 'array', minItems: 1, items: { type: 'number', exclusiveMinimum: 0 } } },
    },
    classNames: { type: 'array', minItems: 2, items: { type: 'string' } },
    dataset: {
      type: 'object',
      required: ['name'],
      properties: { name: { type: 'string' }, train: nonNegativeInt, validation: nonNegativeInt, test: nonNegativeInt },
    },
    macro: {
      type: 'object',
      required: ['cells', 'channels', 'stemMultiplier'],
      properties: { cells: positiveInt, channels: positiveInt, stemMultiplier: positiveInt },
    },
    training: { type: 'object' },
    metrics: {
      type: 'object',
      required: ['validation', 'test'],
      properties: { validation: splitMetrics, test: splitMetrics },
    },
    members: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        required: ['path', 'trialId', 'genotypeId', 'genotype', 'seed', 'weight', 'validation', 'test'],
        properties: {
          path: relativePath,
          trialId: nonNegativeInt,
          genotypeId: { type: 'string', minLength: 1 },
          genotype,
          seed: { type: 'integer' },
          weight: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
          validation: splitMetrics,
          test: splitMetrics,
        },
      },
    },
  },
} as const;

const ajv = new Ajv({ allErrors: true, strict: true, strictTuples: false });
const validate = ajv.compile(ensembleSchema);

/** The problems of a candidate manifest, one line each, naming the JSON path; [] when valid. */
export function manifestProblems(candidate: unknown): string[] {
  const problems = validate(candidate) ? [] : (validate.errors ?? []).map(describe);
  if (problems.length === 0) problems.push(...crossFieldProblems(candidate as ExportedManifest));
  return problems;
}

/** Throws an EnsembleInputError listing every problem unless `candidate` is a valid manifest. */
export function assertValidManifest(candidate: unknown, source: string): asserts candidate is ExportedManifest {
  const problems = manifestProblems(candidate);
  if (problems.length > 0) {
    throw new EnsembleInputError(`${source} is not a valid nes ensemble manifest:\n  ${problems.join('\n  ')}`);
  }
}

function crossFieldProblems(manifest: ExportedManifest): string[] {
  const problems: string[] = [];
  const channels = manifest.input.shape[2];
  if (manifest.preprocessing.mean.length !== channels || manifest.preprocessing.std.length !== channels) {
    problems.push(`/preprocessing: needs one mean and one std per input channel (${channels})`);
  }
  const totalWeight = manifest.members.reduce((sum, member) => sum + member.weight, 0);
  if (Math.abs(totalWeight - 1) > 1e-6) problems.push(`/members: weights sum to ${totalWeight}, expected 1`);
  const paths = new Set(manifest.members.map((member) => member.path));
  if (paths.size !== manifest.members.length) problems.push('/members: two members share a path');
  const hasOnnx = (manifest.formats ?? ['tfjs']).includes('onnx');
  if (hasOnnx !== (manifest.onnx !== undefined)) problems.push(`/onnx: must be present exactly when /formats includes "onnx"`);
  if (manifest.onnx !== undefined && manifest.onnx.members.length !== manifest.members.length) {
    problems.push(`/onnx/members: ${manifest.onnx.members.length} ONNX models for ${manifest.members.length} members`);
  }
  return problems;
}

function describe(error: ErrorObject): string {
  const path = error.instancePath || '/';
  if (error.keyword === 'const') return `${path}: must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}`;
  if (error.keyword === 'enum') {
    return `${path}: must be one of ${(error.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v)).join(', ')}`;
  }
  return `${path}: ${error.message ?? 'invalid'}`;
}
