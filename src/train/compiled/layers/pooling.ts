/** MaxPooling2D, AveragePooling2D (mean over in-bounds pixels) and GlobalAveragePooling2D. */
import * as tf from '@tensorflow/tfjs';
import { windowExtent } from '../geometry.js';
import { imageDims } from '../slot.js';
import { configOf, pairOf, UnsupportedLayerError, type Compiled, type LayerCompiler } from './types.js';

interface PoolDims {
  h: number;
  w: number;
  c: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  stride: number;
  padTop: number;
  padLeft: number;
}

function poolDims(layer: tf.layers.Layer, shape: [number, number, number]): PoolDims {
  const config = configOf(layer);
  const [kh, kw] = pairOf(config['poolSize'], 2);
  const strides = pairOf(config['strides'] ?? config['poolSize'], 2);
  const padding = config['padding'];
  if (strides[0] !== strides[1]) throw new UnsupportedLayerError(layer, `unequal strides ${strides.join('×')}`);
  if (padding !== 'same' && padding !== 'valid') throw new UnsupportedLayerError(layer, `padding '${String(padding)}'`);
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') {
    throw new UnsupportedLayerError(layer, `data format ${String(config['dataFormat'])}`);
  }
  const [h, w, c] = shape;
  const stride = strides[0];
  const rows = windowExtent(h, { kernel: kh, stride, dilation: 1 }, padding);
  const cols = windowExtent(w, { kernel: kw, stride, dilation: 1 }, padding);
  return { h, w, c, oh: rows.output, ow: cols.output, kh, kw, stride, padTop: rows.padBefore, padLeft: cols.padBefore };
}

export const compileMaxPooling2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  const d = poolDims(layer, imageDims(x!, layer.name));
  const y = ctx.slot([d.oh, d.ow, d.c]);
  const argmax = ctx.int32s(ctx.capacity * y.size);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        k.maxPool(x!.value, y.value, argmax, n, d.h, d.w, d.c, d.oh, d.ow, d.kh, d.kw, d.stride, d.padTop, d.padLeft);
      },
      backward(n) {
        if (x!.grad >= 0) k.maxPoolBackprop(y.grad, argmax, x!.grad, n * y.size);
      },
    },
  };
};

export const compileAveragePooling2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  const d = poolDims(layer, imageDims(x!, layer.name));
  const y = ctx.slot([d.oh, d.ow, d.c]);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        k.avgPool(x!.value, y.value, n, d.h, d.w, d.c, d.oh, d.ow, d.kh, d.kw, d.stride, d.padTop, d.padLeft);
      },
      backward(n) {
        if (x!.grad >= 0) k.avgPoolBackprop(y.grad, x!.grad, n, d.h, d.w, d.c, d.oh, d.ow, d.kh, d.kw, d.stride, d.padTop, d.padLeft);
      },
    },
  };
};

export const compileGlobalAveragePooling2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  const [h, w, c] = imageDims(x!, layer.name);
  const y = ctx.slot([c]);
  const k = ctx.kernels;
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        k.globalAvgPool(x!.value, y.value, n, h * w, c);
      },
      backward(n) {
        if (x!.grad >= 0) k.globalAvgPoolBackprop(y.grad, x!.grad, n, h * w, c);
      },
    },
  };
};
