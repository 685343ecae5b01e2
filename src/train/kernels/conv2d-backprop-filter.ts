/**
 * Conv2DBackpropFilter for wasm, built from XNNPACK-backed kernels.
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s − pt + kh·d, ow·s − pl + kw·d, ci] · dy[b,oh,ow,co]
 *
 * 1×1 filters: one matmul xᵀ·dy over all pixels. k×k filters, the "transpose trick": the same
 * sum is a forward convolution of x viewed as [ci, h, w, b] (batch ↔ channels) with dy viewed as
 * a filter [oh, ow, b, co], where the forward stride becomes the dilation and the forward
 * dilation the stride; its output [ci, kh, kw, co] is dW up to a small transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardConvInfo, type ForwardConvAttrs } from './conv-info.js';
import { type KernelArgs, withKernelScope, type KernelScope } from './kernel-scope.js';
import { paddedConv2d } from './padded-conv.js';
import { stridedPixels } from './slice.js';

interface BackpropFilterAttrs extends ForwardConvAttrs {
  filterShape: [number, number, number, number];
}

/** Picks x at the pixels a 1×1 strided conv reads: [b, oh, ow, ci]. */
function sampleStrided(
  scope: KernelScope,
  x: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = info;
  if (sh === 1 && sw === 1) return scope.slice(x, [0, 0, 0, 0], [x.shape[0]!, oh, ow, x.shape[3]!]);
  return scope.track(stridedPixels(scope.backend, x, [sh, sw], [oh, ow]));
}

/** 1×1 unpadded filter: dW = xᵀ·dy with pixels as the contraction axis. */
function pointwiseFilterGradient(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { inChannels: ci, outChannels: co } = info;
  const pixels = dy.shape[0] * dy.shape[1] * dy.shape[2];
  const xRows = scope.reshape(sampleStrided(scope, x, info), [1, pixels, ci]);
  const dyRows = scope.reshape(dy, [1, pixels, co]);
  // The wasm matmul is fast only without transpose flags: transpose the narrower operand.
  if (ci <= co) {
    const xCols = scope.transpose(xRows, [0, 2, 1]);
    const grad = scope.run('BatchMatMul', { a: xCols, b: dyRows }, { transposeA: false, transposeB: false });
    return scope.reshape(grad, [1, 1, ci, co]);
  }
  const dyCols = scope.transpose(dyRows, [0, 2, 1]);
  const gradT = scope.run('BatchMatMul', { a: dyCols, b: xRows }, { transposeA: false, transposeB: false });
  return scope.transpose(scope.reshape(gradT, [1, 1, co, ci]), [0, 1, 3, 2]);
}

/** Any filter size: forward conv of the batch-transposed tensors. */
function transposedConvFilterGradient(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w } = info;
  const { outHeight: oh, outWidth: ow, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const xByChannel = scope.transpose(x, [3, 1, 2, 0]); // [ci, h, w, b]
  const dyAsFilter = scope.transpose(dy, [1, 2, 0, 3]); // [oh, ow, b, co]
  // Pads that make the output exactly kh×kw; negative ones crop rows x never contributes.
  const bottom = (kh - 1) * dh + (oh - 1) * sh + 1 - h - padInfo.top;
  const right = (kw - 1) * dw + (ow - 1) * sw + 1 - w - padInfo.left;
  const grad = paddedConv2d(scope, xByChannel, dyAsFilter, {
    strides: [dh, dw],
    dilations: [sh, sw],
    pads: [padInfo.top, bottom, padInfo.left, right],
  }); // [ci, kh, kw, co]
  return scope.transpose(grad, [1, 2, 0, 3]);
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const info = forwardConvInfo(x.shape, attrs.filterShape, attrs, false);
  const { top, bottom, left, right } = info.padInfo;
  const pointwise =
    info.filterHeight === 1 && info.filterWidth === 1 && top + bottom + left + right === 0;
  return withKernelScope(args.backend, (scope) =>
    pointwise
      ? pointwiseFilterGradient(scope, x, dy, info)
      : transposedConvFilterGradient(scope, x, dy, info),
  );
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
