import * as tf from '@tensorflow/tfjs';
import { compiledNetworkFor } from './compiled/use-compiled.js';
import { normalizedBatch, normalizeInto, type ImageSource, type Normalization } from './normalize.js';

/**
 * Images per pass of the compiled network: small batches keep the activations in cache (DARTS-V2
 * reference net: 660 images/s at 8, 570 at 32, 430 at 256; `npm run bench -- training --predict`).
 */
const COMPILED_BATCH = 8;

/**
 * Softmax probabilities of every image, N×C row-major, in inference mode (BN moving statistics),
 * one batch at a time so memory stays bounded.
 */
export function predictProbs(
  model: tf.LayersModel,
  source: ImageSource,
  normalization: Normalization,
  batchSize = 256,
): Float32Array {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  const numClasses = model.outputs[0]?.shape[1];
  if (numClasses == null) throw new Error('model output must be [batch, classes]');
  const probs = new Float32Array(source.count * numClasses);
  const network = compiledNetworkFor(model, { capacity: Math.max(1, Math.min(batchSize, source.count, COMPILED_BATCH)), training: false });
  if (network !== null) {
    try {
      for (let start = 0; start < source.count; start += network.capacity) {
        const end = Math.min(source.count, start + network.capacity);
        normalizeInto(source, { start, end }, normalization, network.inputValues());
        network.predict(end - start, probs, start * numClasses);
      }
    } finally {
      network.dispose();
    }
    return probs;
  }
  for (let start = 0; start < source.count; start += batchSize) {
    const end = Math.min(source.count, start + batchSize);
    tf.tidy(() => {
      const batch = normalizedBatch(source, { start, end }, normalization);
      const output = model.predict(batch) as tf.Tensor;
      probs.set(output.dataSync() as Float32Array, start * numClasses);
    });
  }
  return probs;
}
