/** Genotype → tfjs Layers model. Networks are plain functional models of built-in layers. */
import type * as tf from '@tensorflow/tfjs';
import type { Genotype, MacroConfig } from '../space/types.js';
import { buildDartsModel } from './model/darts.js';
import { buildNb201Model } from './model/nb201.js';
import type { BuildOptions } from './model/options.js';

export type { BuildOptions } from './model/options.js';
export { DARTS_OPS, buildDartsModel, dartsReductionCells } from './model/darts.js';
export { NB201_OPS, buildNb201Model } from './model/nb201.js';
export { logitsModel } from './model/logits.js';

export function buildModel(genotype: Genotype, macro: MacroConfig, options: BuildOptions): tf.LayersModel {
  switch (genotype.space) {
    case 'darts':
      return buildDartsModel(genotype, macro, options);
    case 'nb201':
      return buildNb201Model(genotype, macro, options);
  }
}
