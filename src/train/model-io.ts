import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../util/atomic-write.js';

/**
 * Saves a layers model as the standard tfjs pair model.json + weights.bin (what
 * tf.loadLayersModel('file://…') and tfjs-converter read), each file written atomically.
 * Works on every backend, unlike the file:// handler, which needs tfjs-node.
 */
export async function saveLayersModel(model: tf.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weights = concatWeightData(artifacts.weightData);
      writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weights));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      writeFileAtomic(join(dir, 'model.json'), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
}

/** Loads a model written by saveLayersModel (or any single-shard tfjs layers model folder). */
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
