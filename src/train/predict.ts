import * as tf from '@tensorflow/tfjs';
import { compiledNetworkFor } from './compiled/use-compiled.js';
import { normalizedBatch, normalizeInto, type ImageSource, type Normalization } from './normalize.js';
import { checkedGpuWork } from './webgpu.js';

/**
 * Images per pass of the compiled network: small batches keep the activations in cache (DARTS-V2
 * reference net: 660 images/s at 8, 570 at 32, 430 at 256; `npm run bench -- training --predict`).
 */
const COMPILED_BATCH = 8;

/**
 * Softmax probabilities of every image, N×C row-major, in inference mode (BN moving statistics),
 * one batch at a time so memory stays bounded. Asynchronous because GPU backends (webgpu) can only
 * be read asynchronously; on webgpu a GPU error rejects instead of returning zeros.
 */
export async function predictProbs(
  model: tf.LayersModel,
  source: ImageSource,
  normalization: Normalization,
  batchSize = 256,
): Promise<Float32Array> {
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
  return checkedGpuWork('prediction', async () => {
    for (let start = 0; start < source.count; start += batchSize) {
      const end = Math.min(source.count, start + batchSize);
      const output = tf.tidy(() => model.predict(normalizedBatch(source, { start, end }, normalization)) as tf.Tensor);
      try {
        probs.set((await output.data()) as Float32Array, start * numClasses);
      } finally {
        output.dispose();
      }
    }
    return probs;
  });
}
