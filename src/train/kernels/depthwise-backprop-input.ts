/**
 * DepthwiseConv2dNativeBackpropInput for wasm: a forward XNNPACK depthwise conv of dy
 * (zero-inserted when strided) with the 180°-rotated filter. With a channel multiplier m the
 * c·m + j output channels of dy each get their own filter slice, then the m partial
 * gradients of every input channel are summed.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardConvInfo, type ForwardConvAttrs } from './conv-info.js';
import { fullCorrelationPads, rotate180 } from './full-correlation.js';
import { type KernelArgs, withKernelScope } from './kernel-scope.js';
import { paddedDepthwiseConv2d, zeroInsert } from './padded-conv.js';

interface BackpropInputAttrs extends ForwardConvAttrs {
  inputShape: [number, number, number, number];
}

function depthwiseBackpropInput(args: KernelArgs): tf.TensorInfo {
  const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropInputAttrs;
  const info = forwardConvInfo(attrs.inputShape, filter.shape, attrs, true);
  const [kh, kw, channels, multiplier] = filter.shape;
  return withKernelScope(args.backend, (scope) => {
    const rotated = scope.reshape(rotate180(scope, filter), [kh, kw, channels * multiplier, 1]);
    const grid = zeroInsert(scope, dy, [info.strideHeight, info.strideWidth]);
    const perOutputChannel = paddedDepthwiseConv2d(scope, grid, rotated, {
      strides: [1, 1],
      dilations: [info.dilationHeight, info.dilationWidth],
      pads: fullCorrelationPads(info, grid.shape[1], grid.shape[2]),
    });
    if (multiplier === 1) return perOutputChannel;
    const [n, h, w] = perOutputChannel.shape;
    const split = scope.reshape(perOutputChannel, [n, h, w, channels, multiplier]);
    return scope.run('Sum', { x: split }, { axis: [4], keepDims: false });
  });
}

export const depthwiseBackpropInputConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropInput',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropInput,
};
