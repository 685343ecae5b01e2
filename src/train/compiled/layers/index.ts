/** The tfjs layer classes the compiled engine implements, by class name. */
import { compileBatchNormalization } from './batch-norm.js';
import { compileConv2D, compileDense, compileSeparableConv2D } from './conv.js';
import { compileAdd, compileReLU } from './elementwise.js';
import { compileConcatenate, compileCropping2D, compileReshape, compileZeroPadding2D } from './layout.js';
import { compileAveragePooling2D, compileGlobalAveragePooling2D, compileMaxPooling2D } from './pooling.js';
import type { LayerCompiler } from './types.js';

export const layerCompilers: Readonly<Record<string, LayerCompiler>> = {
  Conv2D: compileConv2D,
  SeparableConv2D: compileSeparableConv2D,
  Dense: compileDense,
  BatchNormalization: compileBatchNormalization,
  ReLU: compileReLU,
  Add: compileAdd,
  Concatenate: compileConcatenate,
  Cropping2D: compileCropping2D,
  ZeroPadding2D: compileZeroPadding2D,
  Reshape: compileReshape,
  MaxPooling2D: compileMaxPooling2D,
  AveragePooling2D: compileAveragePooling2D,
  GlobalAveragePooling2D: compileGlobalAveragePooling2D,
};

export { UnsupportedLayerError, type CompiledLayer } from './types.js';
