export { exportEnsemble, type ExportOptions } from './export-ensemble.js';
export { loadEnsemble, type LoadedEnsemble, type LoadEnsembleOptions } from './load-ensemble.js';
export { combineMembers, rowEntropies, type EnsemblePrediction } from './uncertainty.js';
export { ensembleSchema, manifestProblems, assertValidManifest } from './ensemble-schema.js';
export { chooseEnsemble, distinctMembers, readRunResults, type EnsembleChoice } from './run-results.js';
export { EnsembleInputError } from './errors.js';
export type { RawImages } from './raw-images.js';
export {
  EXPORT_FORMATS,
  MANIFEST_FILE,
  type ExportFormat,
  type ExportedManifest,
  type ExportedMember,
  type OnnxFile,
  type OnnxManifest,
  type OnnxTensorInfo,
} from './manifest.js';
