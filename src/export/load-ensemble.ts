import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type * as tf from '@tensorflow/tfjs';
import { activeEngine, initEngine, type EngineName } from '../train/engine.js';
import { loadLayersModel } from '../train/model-io.js';
import { predictProbs } from '../train/predict.js';
import { assertValidManifest } from './ensemble-schema.js';
import { EnsembleInputError } from './errors.js';
import { rawImageSource, type RawImages } from './raw-images.js';
import { MANIFEST_FILE, type ExportedManifest } from './manifest.js';
import { combineMembers, type EnsemblePrediction } from './uncertainty.js';

export interface LoadedEnsemble {
  manifest: ExportedManifest;
  /** The members' tfjs models, in manifest order. */
  models: tf.LayersModel[];
  /**
   * Predicts raw images (pixel values 0..255, NHWC, shape manifest.input.shape): a flat uint8 or
   * float32 array of `count` images (count defaults to length / image size) or a [N, H, W, C]
   * tensor (not disposed). Each member predicts as during the search (predictProbs): on the wasm
   * engine through nes's compiled network, elsewhere through tfjs, on the engine loadEnsemble set
   * up (see LoadEnsembleOptions.engine).
   */
  predict(images: RawImages, count?: number): Promise<EnsemblePrediction>;
  /** Frees the members' weights. */
  dispose(): void;
}

export interface LoadEnsembleOptions {
  /**
   * Images per forward pass on tfjs (bounds memory); default 256. The compiled network (wasm
   * engine) runs at most 8 at a time, which is faster there.
   */
  batchSize?: number;
  /**
   * Engine to predict on. Default: the one initEngine already set up in this thread, else
   * initEngine's own choice ($NES_ENGINE or the fastest installed), so that a caller who never
   * heard of engines does not get tfjs's pure-JS cpu backend.
   */
  engine?: EngineName | 'auto';
}

/** Loads a folder written by exportEnsemble; the manifest is validated against its schema. */
export async function loadEnsemble(dir: string, options: LoadEnsembleOptions = {}): Promise<LoadedEnsemble> {
  const batchSize = options.batchSize ?? 256;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  if (options.engine !== undefined) await initEngine(options.engine);
  else if (activeEngine() === null) await initEngine();
  const manifestPath = join(resolve(dir), MANIFEST_FILE);
  if (!existsSync(manifestPath)) throw new EnsembleInputError(`${manifestPath} not found: not an exported nes ensemble (see "nes export")`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (error) {
    throw new EnsembleInputError(`${manifestPath} is not valid JSON (${(error as Error).message})`);
  }
  assertValidManifest(manifest, manifestPath);
  const valid = manifest;
  if (!(valid.formats ?? ['tfjs']).includes('tfjs')) {
    throw new EnsembleInputError(
      `${resolve(dir)} holds ONNX models only (exported with --format onnx): run ${valid.onnx?.ensemble.path ?? 'ensemble.onnx'} with ONNX Runtime, or export again with --format tfjs,onnx to load it here`,
    );
  }
  const models: tf.LayersModel[] = [];
  try {
    for (const member of valid.members) {
      const model = await loadLayersModel(join(resolve(dir), member.path));
      models.push(model);
      checkModelShape(model, valid, member.path);
    }
  } catch (error) {
    for (const model of models) model.dispose();
    throw error;
  }
  const shape = valid.input.shape;
  const numClasses = valid.classNames.length;
  const weights = valid.members.map((member) => member.weight);

  return {
    manifest: valid,
    models,
    async predict(images, count) {
      const source = await rawImageSource(images, shape, count);
      const memberProbs: Float32Array[] = [];
      for (const model of models) memberProbs.push(await predictProbs(model, source, valid.preprocessing, batchSize));
      return combineMembers(memberProbs, weights, numClasses);
    },
    dispose() {
      for (const model of models) model.dispose();
    },
  };
}

function checkModelShape(model: tf.LayersModel, manifest: ExportedManifest, path: string): void {
  const input = model.inputs[0]?.shape.slice(1);
  const classes = model.outputs[0]?.shape[1];
  const expected = manifest.input.shape;
  if (!input || input.join(',') !== expected.join(',')) {
    throw new EnsembleInputError(`${path}: model input is [${input?.join(', ')}], manifest says [${expected.join(', ')}]`);
  }
  if (classes !== manifest.classNames.length) {
    throw new EnsembleInputError(`${path}: model predicts ${classes} classes, manifest names ${manifest.classNames.length}`);
  }
}
