/**
 * When training and prediction run on the compiled network: on the wasm engine, for models whose
 * every layer it implements. Elsewhere (tfjs-node, cpu, other layers) tfjs runs the model.
 */
import * as tf from '@tensorflow/tfjs';
import { CompiledNetwork, UnsupportedLayerError, type CompileOptions } from './network.js';

export function compiledNetworkFor(model: tf.LayersModel, options: CompileOptions): CompiledNetwork | null {
  if (tf.getBackend() !== 'wasm') return null;
  try {
    return CompiledNetwork.compile(model, options);
  } catch (error) {
    if (error instanceof UnsupportedLayerError) return null;
    throw error;
  }
}
