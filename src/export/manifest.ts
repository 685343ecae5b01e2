import type { Normalization } from '../data/types.js';
import type { SplitMetrics, EnsembleResult } from '../run/results-types.js';
import type { SearchResults } from '../run/results-types.js';
import type { Genotype, MacroConfig } from '../space/types.js';

/** Name of the manifest file inside an exported ensemble folder. */
export const MANIFEST_FILE = 'ensemble.json';
export const MANIFEST_FORMAT = 'nes-ensemble';
export const MANIFEST_FORMAT_VERSION = 1;

/** The formats an export can hold: tfjs layers models (loadEnsemble, nes predict) and ONNX. */
export const EXPORT_FORMATS = ['tfjs', 'onnx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** One input or output of an ONNX graph: its name, element type and shape ("N" = any batch size). */
export interface OnnxTensorInfo {
  name: string;
  dtype: 'float32' | 'uint8' | 'int64';
  shape: (number | 'N')[];
  description: string;
}

/** An .onnx file of the export, relative to the ensemble folder, with its graph's inputs and outputs. */
export interface OnnxFile {
  path: string;
  inputs: OnnxTensorInfo[];
  outputs: OnnxTensorInfo[];
}

/** ensemble.json's "onnx": the whole-ensemble graph and one model per member (manifest order). */
export interface OnnxManifest {
  /** Opset of the default ONNX domain. */
  opset: number;
  irVersion: number;
  ensemble: OnnxFile;
  members: OnnxFile[];
}

/** One exported network: its folder at `path` (tfjs model.json + weights, and/or model.onnx). */
export interface ExportedMember {
  /** Folder of the member's files, relative to the ensemble folder, e.g. "members/0". */
  path: string;
  trialId: number;
  genotypeId: string;
  genotype: Genotype;
  /** Seed its weights were initialised and trained with. */
  seed: number;
  /** Its share of the averaged probabilities; the weights of all members sum to 1. */
  weight: number;
  validation: SplitMetrics;
  test: SplitMetrics;
}

/** ensemble.json: everything needed to use the ensemble and to know where it came from. */
export interface ExportedManifest {
  format: typeof MANIFEST_FORMAT;
  formatVersion: typeof MANIFEST_FORMAT_VERSION;
  /** Version of nes that wrote the export. */
  nesVersion: string;
  exportedAt: string;
  /** What the folder holds; absent in exports before ONNX, which hold tfjs only. */
  formats?: ExportFormat[];
  source: {
    run: string;
    /** nes version of the search run. */
    runNesVersion: string;
    /** Search method that built the pool (rs, re, deepens, …). */
    method: string;
    /** Ensemble selection algorithm (forward, caruana, top), or first (the first M members: DeepEns). */
    selection: EnsembleResult['selection'];
    /** Ensemble size M as selected (with caruana, repeats count: fewer distinct members). */
    size: number;
    /** Shift severity the ensemble was selected for (0 = clean). */
    severity: number;
  };
  input: {
    /** [height, width, channels] of one image. */
    shape: [number, number, number];
    layout: 'NHWC';
    /** Raw pixel values 0..255, as uint8 or float. */
    range: [0, 255];
  };
  /** The members' input normalisation, applied inside predict (the training run's dataset.normalization). */
  preprocessing: Normalization;
  classNames: string[];
  dataset: Pick<SearchResults['dataset'], 'name' | 'train' | 'validation' | 'test'>;
  macro: MacroConfig;
  training: SearchResults['training'];
  /** Metrics the ensemble was chosen with (validation) and measured with (test). */
  metrics: { validation: SplitMetrics; test: EnsembleResult['test'] };
  members: ExportedMember[];
  /** Present when formats includes 'onnx'. */
  onnx?: OnnxManifest;
}
