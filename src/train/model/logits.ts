import * as tf from '@tensorflow/tfjs';

/**
 * A model sharing `model`'s layers that outputs the pre-softmax logits, when the model ends with
 * a softmax Activation layer (what buildModel makes, also after save/load); else null. Training on
 * logits gives a stable cross-entropy. Never dispose it: its weights belong to `model`.
 */
export function logitsModel(model: tf.LayersModel): tf.LayersModel | null {
  if (model.outputs.length !== 1) return null;
  const output = model.outputs[0] as tf.SymbolicTensor;
  const layer = output.sourceLayer;
  const config = layer.getConfig();
  if (layer.getClassName() !== 'Activation' || config['activation'] !== 'softmax') return null;
  return tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
}
