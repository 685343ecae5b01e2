import { mkdirSync, readFileSync } from 'node:fs';
import { DataFormatError } from '../data/errors.js';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic-write.js';

/** A layers model as the two files of the standard tfjs format, held in memory. */
export interface SerializedModel {
  /** Content of model.json (topology + weights manifest pointing at weights.bin). */
  modelJson: string;
  /** Content of weights.bin. */
  weights: Uint8Array;
}

/** Serialises a layers model to the tfjs pair model.json + weights.bin (what tf.loadLayersModel reads). */
export async function serializeLayersModel(model: tf.LayersModel): Promise<SerializedModel> {
  let serialized: SerializedModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      serialized = { modelJson: JSON.stringify(modelJson), weights: new Uint8Array(concatWeightData(artifacts.weightData)) };
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  return serialized!;
}

/** Writes a serialised model into `dir`, each file atomically; model.json last, so its presence means complete. */
export function writeSerializedModel(dir: string, serialized: SerializedModel): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'weights.bin'), serialized.weights);
  writeFileAtomic(join(dir, 'model.json'), serialized.modelJson);
}

/**
 * Saves a layers model as model.json + weights.bin. Works on every backend, unlike the file://
 * handler, which needs tfjs-node.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  writeSerializedModel(dir, await serializeLayersModel(model));
}

const DTYPE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

/**
 * model.json and its weight files, checked: model.json parses and has a weights manifest, every
 * weight file exists, and their bytes add up to what the manifest's shapes need. A damaged member
 * (a weights.bin cut short by a full disk, an edited model.json) is named here, not found later as
 * "should have 256 values but has 11" (issue 19, item 9).
 */
export function readModelFiles(dir: string): { modelJson: tf.io.ModelJSON; weightData: Buffer } {
  const modelPath = join(dir, 'model.json');
  let modelJson: tf.io.ModelJSON;
  try {
    modelJson = JSON.parse(readFileSync(modelPath, 'utf8')) as tf.io.ModelJSON;
  } catch (error) {
    const problem = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : `not valid JSON (${(error as Error).message})`;
    throw new DataFormatError(modelPath, `${problem}; expected a tfjs layers model`);
  }
  if (!Array.isArray(modelJson?.weightsManifest) || modelJson.modelTopology === undefined) {
    throw new DataFormatError(modelPath, 'no modelTopology or weightsManifest; expected a tfjs layers model');
  }
  const paths = modelJson.weightsManifest.flatMap((group) => group.paths);
  const shards = paths.map((path) => {
    try {
      return readFileSync(join(dir, path));
    } catch {
      throw new DataFormatError(join(dir, path), `cannot read this weight file named by ${modelPath}`);
    }
  });
  const weightData = Buffer.concat(shards);
  const specs = modelJson.weightsManifest.flatMap((group) => group.weights);
  // Quantized or string weights have no fixed size per value; everything nes writes is float32.
  if (specs.every((spec) => spec.quantization === undefined && spec.dtype in DTYPE_BYTES)) {
    const expected = specs.reduce((sum, spec) => sum + DTYPE_BYTES[spec.dtype]! * spec.shape.reduce((a, b) => a * b, 1), 0);
    if (weightData.byteLength !== expected) {
      throw new DataFormatError(join(dir, paths.join(', ')), `${weightData.byteLength} bytes of weights, ${modelPath} needs ${expected}: the file is damaged or cut short`);
    }
  }
  return { modelJson, weightData };
}

/** Loads a model written by saveLayersModel (or any tfjs layers model folder), checked by readModelFiles. */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const { modelJson, weightData } = readModelFiles(dir);
  const weightSpecs = modelJson.weightsManifest.flatMap((group) => group.weights);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
}

/** A model from serializeLayersModel's pair, as loadLayersModel reads it from disk. */
export async function deserializeLayersModel(serialized: SerializedModel): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(serialized.modelJson) as tf.io.ModelJSON;
  const { weights } = serialized;
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
}

function concatWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data);
}
