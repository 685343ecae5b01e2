import { mkdirSync, readFileSync } from 'node:fs';
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

/** Loads a model written by saveLayersModel (or any tfjs layers model folder). */
export async function loadLayersModel(dir: string): Promise<tf.LayersModel> {
  const modelJson = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const manifest = modelJson.weightsManifest;
  const weightSpecs = manifest.flatMap((group) => group.weights);
  const shards = manifest.flatMap((group) => group.paths).map((path) => readFileSync(join(dir, path)));
  const weightData = Buffer.concat(shards);
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: modelJson.modelTopology,
      weightSpecs,
      weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength),
    }),
  );
}

function concatWeightData(data: tf.io.WeightData | undefined): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return data instanceof ArrayBuffer ? data : tf.io.concatenateArrayBuffers(data);
}
