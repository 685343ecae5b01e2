/**
 * nes: Neural Ensemble Search. The package's public API.
 *
 * Use an exported ensemble:
 *   const ensemble = await loadEnsemble('my-ensemble');
 *   const { meanProbs, entropy, mutualInformation, predictedClass } = await ensemble.predict(uint8Images);
 */
export { NES_VERSION } from './version.js';

// Exported ensembles: write, load, predict with uncertainty.
export {
  exportEnsemble,
  loadEnsemble,
  combineMembers,
  chooseEnsemble,
  readRunResults,
  ensembleSchema,
  manifestProblems,
  EnsembleInputError,
  MANIFEST_FILE,
  EXPORT_FORMATS,
  type ExportFormat,
  type OnnxFile,
  type OnnxManifest,
  type OnnxTensorInfo,
  type ExportOptions,
  type LoadedEnsemble,
  type LoadEnsembleOptions,
  type EnsemblePrediction,
  type ExportedManifest,
  type ExportedMember,
  type RawImages,
} from './export/index.js';

// The HTML report of a run.
export { writeReport, type ReportOptions } from './report/write-report.js';

// Ensemble selection and metrics on any pool of predictions.
export { forwardSelect, trueClassProbabilities, type ForwardSelectOptions } from './ensemble/forward-select.js';
export { caruanaSelect, type CaruanaSelection } from './ensemble/caruana.js';
export { topSelect } from './ensemble/top.js';
export { evaluateEnsemble, type EnsembleEvaluation, type EvaluateEnsembleOptions } from './evaluate/ensemble-metrics.js';
export { nll, errorRate, brier, averageProbs, ece, reliability, type ReliabilityBin } from './evaluate/metrics.js';

// Data.
export { readNpy, writeNpy, parseNpy, encodeNpy, type NpyArray, type NpyDtype } from './data/npy.js';
export { loadFashionMnist, type FashionMnistOptions } from './data/fashion-mnist.js';
export { loadCifar10, loadCifar100, type CifarOptions } from './data/cifar.js';
export { loadNpyDataset } from './data/npy-dataset.js';
export { DataFormatError } from './data/errors.js';
export type { DatasetSplits, LabelledImages, Normalization } from './data/types.js';

// Search spaces and genotypes.
export { loadSpace, listSpaces } from './space/load.js';
export { sampleGenotype } from './space/sample.js';
export { mutate } from './space/mutate.js';
export { genotypeId } from './space/id.js';
export { toDag } from './space/dag.js';
export { validateGenotype } from './space/validate.js';
export { loadNamedGenotype } from './space/named.js';
export type { Genotype, DartsGenotype, Nb201Genotype, SearchSpace, MacroConfig } from './space/types.js';
export { createRng, type Rng } from './util/rng.js';

// Networks.
export { initEngine, type EngineName } from './train/engine.js';
export { buildModel } from './train/model.js';
export { saveLayersModel, loadLayersModel } from './train/model-io.js';
export { predictProbs } from './train/predict.js';

// Runs and their results.
export type { SearchResults } from './run/results-types.js';
export type { EnsembleResult, MemberMetrics, SplitMetrics } from './run/results-types.js';
/** @deprecated Renamed MemberMetrics (issue 15): the same type, results.json's pool entries. */
export type { MemberMetrics as MemberResult } from './run/results-types.js';
