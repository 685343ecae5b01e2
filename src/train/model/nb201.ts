/** The NAS-Bench-201 network in tfjs layers (its structure: nb201-network.ts). */
import * as tf from '@tensorflow/tfjs';
import type { MacroConfig, Nb201Genotype } from '../../space/types.js';
import { tfjsBlocks, classifierHead } from './blocks.js';
import { LayerFactory } from './init.js';
import { nb201Features } from './nb201-network.js';
import type { BuildOptions } from './options.js';

export { NB201_OPS } from './nb201-network.js';

export function buildNb201Model(genotype: Nb201Genotype, macro: MacroConfig, options: BuildOptions): tf.LayersModel {
  const f = new LayerFactory(options.seed);
  const input = tf.input({ shape: options.inputShape, name: f.name('images') });
  const probs = classifierHead(f, nb201Features(tfjsBlocks, f, genotype, macro, input), options.numClasses);
  return tf.model({ inputs: input, outputs: probs, name: 'nb201' });
}
