/**
 * A saved model's weights as plain Float32Arrays by tfjs weight name ("stem_conv/kernel",
 * "stem_bn/moving_mean", …), read from model.json + weights.bin without running tfjs: what an
 * exporter to another format (ONNX) needs.
 */
import { join } from 'node:path';
import { DataFormatError } from '../data/errors.js';
import { readModelFiles } from './model-io.js';

export interface WeightTensor {
  /** tfjs's shape: conv kernels [kh, kw, in, out], depthwise [kh, kw, in, 1], dense [in, out]. */
  shape: number[];
  values: Float32Array;
}

/** Every weight of the model saved in `dir`, in the order of its weights manifest. */
export function readModelWeights(dir: string): Map<string, WeightTensor> {
  const { modelJson, weightData } = readModelFiles(dir);
  const weights = new Map<string, WeightTensor>();
  let offset = 0;
  for (const spec of modelJson.weightsManifest.flatMap((group) => group.weights)) {
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new DataFormatError(join(dir, 'model.json'), `weight ${spec.name} is ${spec.quantization ? 'quantized' : spec.dtype}; expected float32 as nes writes`);
    }
    const count = spec.shape.reduce((a, b) => a * b, 1);
    // A copy: weightData's offset need not be 4-byte aligned; the values are little-endian float32.
    const bytes = weightData.subarray(offset, offset + 4 * count);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(4 * i);
    weights.set(spec.name, { shape: [...spec.shape], values });
    offset += 4 * count;
  }
  return weights;
}
