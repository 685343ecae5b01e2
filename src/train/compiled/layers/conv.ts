/** Conv2D, SeparableConv2D and Dense: the layers with weights that multiply. */
import type * as tf from '@tensorflow/tfjs';
import type { BuildContext, WeightRef } from '../build-context.js';
import { windowExtent } from '../geometry.js';
import type { Kernels } from '../kernels-module.js';
import { imageDims, type Slot } from '../slot.js';
import { configOf, pairOf, UnsupportedLayerError, type Compiled, type LayerCompiler } from './types.js';

/** Dims of one convolution in the order the kernels take them. */
interface ConvDims {
  h: number;
  w: number;
  cin: number;
  oh: number;
  ow: number;
  cout: number;
  kh: number;
  kw: number;
  stride: number;
  dilation: number;
  padTop: number;
  padLeft: number;
}

interface WindowSettings {
  kernel: [number, number];
  stride: number;
  dilation: number;
  padding: 'same' | 'valid';
}

function windowSettings(layer: tf.layers.Layer): WindowSettings {
  const config = configOf(layer);
  const kernel = pairOf(config['kernelSize'], 1);
  const strides = pairOf(config['strides'], 1);
  const dilations = pairOf(config['dilationRate'], 1);
  const padding = config['padding'];
  if (strides[0] !== strides[1]) throw new UnsupportedLayerError(layer, `unequal strides ${strides.join('×')}`);
  if (dilations[0] !== dilations[1]) throw new UnsupportedLayerError(layer, `unequal dilations ${dilations.join('×')}`);
  if (padding !== 'same' && padding !== 'valid') throw new UnsupportedLayerError(layer, `padding '${String(padding)}'`);
  if (config['dataFormat'] !== undefined && config['dataFormat'] !== 'channelsLast') {
    throw new UnsupportedLayerError(layer, `data format ${String(config['dataFormat'])}`);
  }
  return { kernel, stride: strides[0], dilation: dilations[0], padding };
}

function convDims(input: Slot, settings: WindowSettings, cout: number, layerName: string): ConvDims {
  const [h, w, cin] = imageDims(input, layerName);
  const { stride, dilation } = settings;
  const rows = windowExtent(h, { kernel: settings.kernel[0], stride, dilation }, settings.padding);
  const cols = windowExtent(w, { kernel: settings.kernel[1], stride, dilation }, settings.padding);
  return {
    h, w, cin, oh: rows.output, ow: cols.output, cout,
    kh: settings.kernel[0], kw: settings.kernel[1], stride, dilation,
    padTop: rows.padBefore, padLeft: cols.padBefore,
  };
}

function requireLinear(layer: tf.layers.Layer): void {
  const activation = configOf(layer)['activation'];
  if (activation !== undefined && activation !== 'linear') throw new UnsupportedLayerError(layer, `fused activation ${String(activation)}`);
}

/**
 * y = conv(x, filter) and its gradients for one set of dims; with `reluInput` the conv reads
 * relu(x) and masks the input gradient by x > 0 (a fused ReLU, see Slot.reluOfSource).
 */
function convPass(kernels: Kernels, d: ConvDims, reluInput: boolean) {
  const dims = [d.h, d.w, d.cin, d.oh, d.ow, d.cout, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft] as const;
  return reluInput
    ? {
        forward: (x: number, filter: number, y: number, n: number) => kernels.conv2dRelu(x, filter, y, n, ...dims),
        backwardInput: (dy: number, filter: number, x: number, dx: number, n: number) => kernels.conv2dBackpropInputRelu(dy, filter, x, dx, n, ...dims),
        backwardFilter: (x: number, dy: number, dfilter: number, n: number) => kernels.conv2dBackpropFilterRelu(x, dy, dfilter, n, ...dims),
      }
    : {
        forward: (x: number, filter: number, y: number, n: number) => kernels.conv2d(x, filter, y, n, ...dims),
        backwardInput: (dy: number, filter: number, _x: number, dx: number, n: number) => kernels.conv2dBackpropInput(dy, filter, dx, n, ...dims),
        backwardFilter: (x: number, dy: number, dfilter: number, n: number) => kernels.conv2dBackpropFilter(x, dy, dfilter, n, ...dims),
      };
}

/** The depthwise half of SeparableConv2D, with or without a fused input ReLU (as convPass). */
function depthwisePass(kernels: Kernels, d: ConvDims, reluInput: boolean) {
  const dims = [d.h, d.w, d.cin, d.oh, d.ow, d.kh, d.kw, d.stride, d.dilation, d.padTop, d.padLeft] as const;
  return reluInput
    ? {
        forward: (x: number, filter: number, y: number, n: number) => kernels.depthwiseConv2dRelu(x, filter, y, n, ...dims),
        backwardInput: (dy: number, filter: number, x: number, dx: number, n: number) => kernels.depthwiseBackpropInputRelu(dy, filter, x, dx, n, ...dims),
        backwardFilter: (x: number, dy: number, dfilter: number, n: number) => kernels.depthwiseBackpropFilterRelu(x, dy, dfilter, n, ...dims),
      }
    : {
        forward: (x: number, filter: number, y: number, n: number) => kernels.depthwiseConv2d(x, filter, y, n, ...dims),
        backwardInput: (dy: number, filter: number, _x: number, dx: number, n: number) => kernels.depthwiseBackpropInput(dy, filter, dx, n, ...dims),
        backwardFilter: (x: number, dy: number, dfilter: number, n: number) => kernels.depthwiseBackpropFilter(x, dy, dfilter, n, ...dims),
      };
}

/** The conv proper, shared by Conv2D, the pointwise half of SeparableConv2D, and Dense. */
function convStep(kernels: Kernels, d: ConvDims, x: Slot, filter: WeightRef, y: Slot, bias: WeightRef | null) {
  const pass = convPass(kernels, d, x.reluOfSource);
  const rows = (n: number) => n * d.oh * d.ow;
  return {
    forward(n: number): void {
      pass.forward(x.value, filter.value, y.value, n);
      if (bias) kernels.addBias(y.value, bias.value, rows(n), d.cout);
    },
    backward(n: number): void {
      if (x.grad >= 0) pass.backwardInput(y.grad, filter.value, x.value, x.grad, n);
      if (filter.grad >= 0) pass.backwardFilter(x.value, y.grad, filter.grad, n);
      if (bias && bias.grad >= 0) kernels.sumRows(y.grad, rows(n), d.cout, bias.grad);
    },
  };
}

function optionalBias(layer: tf.layers.Layer, ctx: BuildContext): WeightRef | null {
  return configOf(layer)['useBias'] === false ? null : ctx.weight(layer, 'bias');
}

export const compileConv2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  requireLinear(layer);
  const filters = configOf(layer)['filters'] as number;
  const d = convDims(x!, windowSettings(layer), filters, layer.name);
  const y = ctx.slot([d.oh, d.ow, d.cout]);
  const step = convStep(ctx.kernels, d, x!, ctx.weight(layer, 'kernel'), y, optionalBias(layer, ctx));
  return { output: y, layer: { name: layer.name, forward: (n) => step.forward(n), backward: (n) => step.backward(n) } };
};

export const compileSeparableConv2D: LayerCompiler = (layer, [x], ctx): Compiled => {
  requireLinear(layer);
  const config = configOf(layer);
  if ((config['depthMultiplier'] ?? 1) !== 1) throw new UnsupportedLayerError(layer, `depth multiplier ${String(config['depthMultiplier'])}`);
  const settings = windowSettings(layer);
  const depthwise = convDims(x!, settings, x!.shape[2] as number, layer.name);
  const middle = ctx.scratch([depthwise.oh, depthwise.ow, depthwise.cin]);
  const pointwise: ConvDims = {
    h: depthwise.oh, w: depthwise.ow, cin: depthwise.cin, oh: depthwise.oh, ow: depthwise.ow,
    cout: config['filters'] as number, kh: 1, kw: 1, stride: 1, dilation: 1, padTop: 0, padLeft: 0,
  };
  const y = ctx.slot([pointwise.oh, pointwise.ow, pointwise.cout]);
  const depthwiseFilter = ctx.weight(layer, 'depthwise_kernel');
  const pass = depthwisePass(ctx.kernels, depthwise, x!.reluOfSource);
  const pointwiseStep = convStep(ctx.kernels, pointwise, middle, ctx.weight(layer, 'pointwise_kernel'), y, optionalBias(layer, ctx));
  return {
    output: y,
    layer: {
      name: layer.name,
      forward(n) {
        pass.forward(x!.value, depthwiseFilter.value, middle.value, n);
        pointwiseStep.forward(n);
      },
      backward(n) {
        pointwiseStep.backward(n);
        if (x!.grad >= 0) pass.backwardInput(middle.grad, depthwiseFilter.value, x!.value, x!.grad, n);
        if (depthwiseFilter.grad >= 0) pass.backwardFilter(x!.value, middle.grad, depthwiseFilter.grad, n);
      },
    },
  };
};

/** Dense on [features] vectors: a 1×1 conv over 1×1 images. */
export const compileDense: LayerCompiler = (layer, [x], ctx): Compiled => {
  requireLinear(layer);
  if (x!.shape.length !== 1) throw new UnsupportedLayerError(layer, `input of rank ${x!.shape.length + 1} (only [batch, features])`);
  const units = configOf(layer)['units'] as number;
  const d: ConvDims = { h: 1, w: 1, cin: x!.shape[0] as number, oh: 1, ow: 1, cout: units, kh: 1, kw: 1, stride: 1, dilation: 1, padTop: 0, padLeft: 0 };
  const y = ctx.slot([units]);
  const step = convStep(ctx.kernels, d, x!, ctx.weight(layer, 'kernel'), y, optionalBias(layer, ctx));
  return { output: y, layer: { name: layer.name, forward: (n) => step.forward(n), backward: (n) => step.backward(n) } };
};
