/**
 * The stage boundaries of src/ (ARCHITECTURE.md), checked by dependency-cruiser on every `npm test`
 * (`npm run lint:deps`). Type-only imports count: a type is a dependency too.
 *
 * LAYERS says which src/ folders each folder may import (besides itself, src/version.ts, npm
 * packages and Node's built-ins, which the named rules below restrict further). A new import
 * across folders that is not in the table fails the check: either it runs the wrong way (move the
 * shared piece down) or the table is wrong (change it here and in ARCHITECTURE.md together).
 */
const LAYERS = {
  util: [],
  space: ['util'],
  data: ['util'],
  shift: ['data', 'util'],
  evaluate: ['util'],
  ensemble: ['evaluate', 'util'],
  optimizers: ['space', 'ensemble', 'util'],
  train: ['space', 'data', 'util'],
  // run/ owns the run folder: ensemble for the selection-method vocabulary the config names,
  // evaluate for the metric types results.json holds, train for the model files a member stores.
  run: ['space', 'data', 'optimizers', 'ensemble', 'evaluate', 'train', 'util'],
  farm: ['train', 'run', 'shift', 'data', 'space', 'optimizers', 'util'],
  search: ['farm', 'run', 'optimizers', 'ensemble', 'evaluate', 'shift', 'data', 'space', 'util'],
  export: ['train', 'run', 'ensemble', 'evaluate', 'data', 'space', 'util'], // ensemble: the selection vocabulary a manifest records
  report: ['export', 'search', 'run', 'ensemble', 'evaluate', 'data', 'space', 'util'], // search, ensemble: a partial report evaluates and selects on an unfinished run's pools as the search would
  compare: ['report', 'export', 'run', 'util'],
  cli: ['compare', 'report', 'export', 'search', 'farm', 'run', 'train', 'optimizers', 'ensemble', 'evaluate', 'shift', 'data', 'space', 'util'],
};

/** tfjs and the WebGPU binding: resolved into node_modules, or by name when not installed (optional). */
const TFJS = '(^|/)node_modules/(@tensorflow/|webgpu/)|^(@tensorflow/|webgpu$)';

/**
 * Files outside train/ that still use tfjs, each with its reason. Issue 15, point 3 moves export's
 * inference into train/ (one inference path); remove each line as its file stops importing tfjs.
 */
const TFJS_EXCEPTIONS = [
  '^src/export/load-ensemble\\.ts$', // type-only: tf.LayersModel, the members in LoadedEnsemble.models (public API)
];

/** Node built-ins that touch the outside world (files, processes, threads, network). */
const NODE_IO = '^(node:)?(fs|fs/promises|child_process|worker_threads|cluster|net|http|https|dgram)$';

const layerRules = Object.entries(LAYERS).map(([folder, allowed]) => ({
  name: `layer-${folder}`,
  comment: `src/${folder}/ may import only ${allowed.length ? allowed.map((f) => `src/${f}/`).join(', ') : 'nothing else in src/'} (besides src/version.ts); see .dependency-cruiser.cjs LAYERS and ARCHITECTURE.md`,
  severity: 'error',
  from: { path: `^src/${folder}/` },
  to: { path: '^src/', pathNot: [`^src/(${[folder, ...allowed].join('|')})/`, '^src/version\\.ts$'] },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-imports-from-cli',
      comment: 'cli/ is the top: nothing below it imports from it (define the interface below, let cli/ implement it)',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
    {
      name: 'tfjs-only-in-train',
      comment: 'tfjs (@tensorflow/*) and webgpu are imported in src/train/ only; other stages call train/ (exceptions: TFJS_EXCEPTIONS)',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/train/', ...TFJS_EXCEPTIONS] },
      to: { path: TFJS },
    },
    {
      name: 'tfjs-exceptions-type-only',
      comment: 'the TFJS_EXCEPTIONS may name tfjs types, never run tfjs: inference goes through train/ (predictProbs)',
      severity: 'error',
      from: { path: TFJS_EXCEPTIONS },
      to: { path: TFJS, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'pure-ensemble-and-evaluate',
      comment: 'ensemble/ and evaluate/ are pure computations on arrays: no npm package, no Node built-in',
      severity: 'error',
      from: { path: '^src/(ensemble|evaluate)/' },
      to: { pathNot: '^src/' },
    },
    {
      name: 'no-io-in-optimizers',
      comment: 'optimizers/ propose and learn from trials; the journal and the farm do the I/O',
      severity: 'error',
      from: { path: '^src/optimizers/' },
      to: { path: NODE_IO },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, within a folder or across folders',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...layerRules,
  ],
  options: {
    // Type-only imports count: `import type` from the wrong stage couples the stages just the same.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
