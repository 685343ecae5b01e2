/** The DARTS evaluation network in tfjs layers (its structure: darts-network.ts). */
import * as tf from '@tensorflow/tfjs';
import type { DartsGenotype, MacroConfig } from '../../space/types.js';
import { tfjsBlocks, classifierHead } from './blocks.js';
import { dartsFeatures } from './darts-network.js';
import { LayerFactory } from './init.js';
import type { BuildOptions } from './options.js';

export { DARTS_OPS, dartsReductionCells } from './darts-network.js';

export function buildDartsModel(genotype: DartsGenotype, macro: MacroConfig, options: BuildOptions): tf.LayersModel {
  const f = new LayerFactory(options.seed);
  const input = tf.input({ shape: options.inputShape, name: f.name('images') });
  const probs = classifierHead(f, dartsFeatures(tfjsBlocks, f, genotype, macro, input), options.numClasses);
  return tf.model({ inputs: input, outputs: probs, name: 'darts' });
}
