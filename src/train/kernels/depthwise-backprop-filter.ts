/**
 * DepthwiseConv2dNativeBackpropFilter for wasm, by the transpose trick of the regular filter
 * gradient made depthwise: x viewed as one image [1, h, w, c·b] whose "channels" are
 * (channel, image) pairs, dy viewed as a depthwise filter [oh, ow, c·b, m]. Their depthwise conv
 * (forward stride ↔ dilation swapped) is [1, kh, kw, c·b·m]; summing over the images gives dW.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardConvInfo, type ForwardConvAttrs } from './conv-info.js';
import { type KernelArgs, withKernelScope } from './kernel-scope.js';
import { paddedDepthwiseConv2d } from './padded-conv.js';

interface BackpropFilterAttrs extends ForwardConvAttrs {
  filterShape: [number, number, number, number];
}

function depthwiseBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const info = forwardConvInfo(x.shape, attrs.filterShape, attrs, true);
  const [kh, kw, channels, multiplier] = attrs.filterShape;
  const [batch, h, w] = x.shape;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  return withKernelScope(args.backend, (scope) => {
    const xImage = scope.reshape(scope.transpose(x, [1, 2, 3, 0]), [1, h, w, channels * batch]);
    const dySplit = scope.reshape(dy, [batch, oh, ow, channels, multiplier]);
    const dyFilter = scope.reshape(
      scope.transpose(dySplit, [1, 2, 3, 0, 4]),
      [oh, ow, channels * batch, multiplier],
    );
    const bottom = (kh - 1) * dh + (oh - 1) * sh + 1 - h - padInfo.top;
    const right = (kw - 1) * dw + (ow - 1) * sw + 1 - w - padInfo.left;
    const perImage = paddedDepthwiseConv2d(scope, xImage, dyFilter, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pads: [padInfo.top, bottom, padInfo.left, right],
    }); // [1, kh, kw, c·b·m]
    const split = scope.reshape(perImage, [kh, kw, channels, batch, multiplier]);
    return scope.run('Sum', { x: split }, { axis: [3], keepDims: false });
  });
}

export const depthwiseBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'DepthwiseConv2dNativeBackpropFilter',
  backendName: 'wasm',
  kernelFunc: depthwiseBackpropFilter,
};
