/**
 * When training and prediction run on the compiled network: on the wasm engine, for models whose
 * every layer it implements, one network at a time per thread (a prediction made from a training
 * hook, while the trained network holds the kernels' memory, runs on tfjs). Elsewhere (tfjs-node,
 * cpu, other layers) tfjs runs the model.
 */
import * as tf from '@tensorflow/tfjs';
import { arenaLive, loadKernels } from './kernels-module.js';
import { CompiledNetwork, UnsupportedLayerError, type CompileOptions } from './network.js';

export function compiledNetworkFor(model: tf.LayersModel, options: CompileOptions): CompiledNetwork | null {
  if (tf.getBackend() !== 'wasm' || arenaLive(loadKernels())) return null;
  try {
    return CompiledNetwork.compile(model, options);
  } catch (error) {
    if (error instanceof UnsupportedLayerError) return null;
    throw error;
  }
}
