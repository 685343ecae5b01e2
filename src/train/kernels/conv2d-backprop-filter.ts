/**
 * Conv2DBackpropFilter for wasm, built from XNNPACK-backed kernels.
 *
 *   dW[kh,kw,ci,co] = Σ_{b,oh,ow} x[b, oh·s − pt + kh·d, ow·s − pl + kw·d, ci] · dy[b,oh,ow,co]
 *
 * 1×1 filters: one matmul xᵀ·dy over all pixels. k×k filters with few input channels:
 * im2col into columns, patches[(kh,kw,ci), (b,oh,ow)], built in JS from x viewed as [ci, b, h, w]
 * (whole rows of w are shifted copies), then one matmul patches·dy, whose [kh·kw·ci, co] result
 * is dW as is; the wasm matmul takes both operands untransposed, its fast path. Others, the
 * "transpose trick": the same
 * sum is a forward convolution of x viewed as [ci, h, w, b] (batch ↔ channels) with dy viewed as
 * a filter [oh, ow, b, co], where the forward stride becomes the dilation and the forward
 * dilation the stride; its output [ci, kh, kw, co] is dW up to a small transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { forwardConvInfo, type ForwardConvAttrs } from './conv-info.js';
import { type KernelArgs, withKernelScope, type KernelScope } from './kernel-scope.js';
import { floatOffset, heapBackend, heapFloats } from './heap.js';
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

/**
 * im2col for few input channels only: there the transpose trick's conv has just ci·kh·kw output
 * pixels and costs ≈5× more (3×3, 1→16 channels on [64, 28, 28]: 1.2 ms vs 6 ms). From 16
 * channels on the two are even, and at 32 channels on 7×7 images (short rows to copy) im2col
 * loses. Largest patch matrix (floats) built: beyond it the transpose trick needs less memory.
 */
const IM2COL_MAX_CHANNELS = 8;
const MAX_PATCH_FLOATS = 1 << 23;

/** Any filter size: im2col (column layout) and one untransposed matmul. */
function im2colFilterGradient(
  scope: KernelScope,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, filterHeight: kh, filterWidth: kw, inHeight: h, inWidth: w, inChannels: ci } = info;
  const { outHeight: oh, outWidth: ow, outChannels: co, strideHeight: sh, strideWidth: sw } = info;
  const { dilationHeight: dh, dilationWidth: dw, padInfo } = info;
  const pixels = batchSize * oh * ow;
  const planes = ci === 1 ? x : scope.transpose(x, [3, 0, 1, 2]); // [ci, b, h, w]
  const wasm = heapBackend(scope.backend);
  const patches = scope.track(wasm.makeOutput([1, kh * kw * ci, pixels], 'float32'));
  const heap = heapFloats(wasm); // after the allocation, which may grow the heap
  const source = floatOffset(wasm, planes);
  let out = floatOffset(wasm, patches);
  for (let fy = 0; fy < kh; fy++) {
    for (let fx = 0; fx < kw; fx++) {
      const left = fx * dw - padInfo.left; // input column of output column 0
      // Output columns whose input column lies inside the image.
      const owFrom = Math.min(ow, Math.max(0, Math.ceil(-left / sw)));
      const owTo = Math.max(owFrom, Math.min(ow, Math.floor((w - 1 - left) / sw) + 1));
      for (let c = 0; c < ci; c++) {
        for (let b = 0; b < batchSize; b++) {
          const image = source + (c * batchSize + b) * h * w;
          for (let y = 0; y < oh; y++) {
            const row = y * sh - padInfo.top + fy * dh;
            if (row < 0 || row >= h) {
              heap.fill(0, out, out + ow);
            } else {
              for (let k = 0; k < owFrom; k++) heap[out + k] = 0;
              const from = image + row * w + left;
              if (sw === 1) {
                for (let k = owFrom; k < owTo; k++) heap[out + k] = heap[from + k]!;
              } else {
                for (let k = owFrom; k < owTo; k++) heap[out + k] = heap[from + k * sw]!;
              }
              for (let k = owTo; k < ow; k++) heap[out + k] = 0;
            }
            out += ow;
          }
        }
      }
    }
  }
  const dyRows = scope.reshape(dy, [1, pixels, co]);
  const grad = scope.run('BatchMatMul', { a: patches, b: dyRows }, { transposeA: false, transposeB: false });
  return scope.reshape(grad, [kh, kw, ci, co]);
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as BackpropFilterAttrs;
  const info = forwardConvInfo(x.shape, attrs.filterShape, attrs, false);
  const { top, bottom, left, right } = info.padInfo;
  const pointwise =
    info.filterHeight === 1 && info.filterWidth === 1 && top + bottom + left + right === 0;
  const patchFloats = info.filterHeight * info.filterWidth * info.inChannels * dy.shape[0] * dy.shape[1] * dy.shape[2];
  return withKernelScope(args.backend, (scope) => {
    if (pointwise) return pointwiseFilterGradient(scope, x, dy, info);
    if (info.inChannels <= IM2COL_MAX_CHANNELS && patchFloats <= MAX_PATCH_FLOATS) return im2colFilterGradient(scope, x, dy, info);
    return transposedConvFilterGradient(scope, x, dy, info);
  });
}

export const conv2dBackpropFilterConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2dBackpropFilter,
};
